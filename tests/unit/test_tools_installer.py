"""The cluster-tools installer against a local HTTP server on 127.0.0.1 serving stand-in files."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED_REFERENCE, require_shared
from tests.devtools import tools


class _Files(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    requests: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        data = self.files.get(self.path)
        self.send_response(200 if data is not None else 404)
        self.send_header("Content-Length", str(len(data or b"")))
        self.end_headers()
        self.wfile.write(data or b"")


def _tar(member: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Stand-in assets at the official paths, and a manifest pinning their digests."""
    files = {}
    manifest = ["[pypi]", 'package = "x"', 'version = "0"', "[pypi.sha256]", ""]
    for tool, path_tpl, member in [
        ("kind", "/kubernetes-sigs/kind/releases/download/v0.32.0/kind-{os}-{arch}", None),
        ("helm", "/helm-v4.3.1-{os}-{arch}.tar.gz", "{os}-{arch}/helm"),
    ]:
        host = "github.com" if tool == "kind" else "get.helm.sh"
        manifest += [
            f"[tools.{tool}]",
            f'version = "{"v0.32.0" if tool == "kind" else "v4.3.1"}"',
            f'url = "https://{host}{path_tpl.replace("v0.32.0", "{version}").replace("v4.3.1", "{version}")}"',
        ]
        if member:
            manifest.append(f'archive_member = "{member}"')
        manifest.append(f"[tools.{tool}.sha256]")
        for platform_key in tools.PLATFORMS:
            os_name, arch = platform_key.split("-")
            binary = f"#!/bin/sh\necho {tool} {platform_key}\n".encode()
            payload = _tar(member.format(os=os_name, arch=arch), binary) if member else binary
            files[path_tpl.format(os=os_name, arch=arch)] = payload
            manifest.append(f'"{platform_key}" = "{hashlib.sha256(payload).hexdigest()}"')
        manifest.append("")
    path = tmp_path / "tools.toml"
    path.write_text("\n".join(manifest))
    _Files.files, _Files.requests = files, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", path
    server.shutdown()


def _install(
    mirror: tuple[str, Path], dest: Path, *tool_names: str, platform: str = "linux-amd64"
) -> subprocess.CompletedProcess[str]:
    base, manifest = mirror
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.devtools.tools",
            "install",
            *tool_names,
            "--dest",
            str(dest),
            "--base-url",
            base,
            "--manifest",
            str(manifest),
            "--platform",
            platform,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_installs_verified_binaries_and_extracts_archives(mirror: tuple[str, Path], tmp_path: Path) -> None:
    result = _install(mirror, tmp_path / "bin", "kind", "helm")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bin" / "kind").read_text() == "#!/bin/sh\necho kind linux-amd64\n"
    assert (
        subprocess.run([tmp_path / "bin" / "helm"], capture_output=True, text=True).stdout
        == "helm linux-amd64\n"
    )


def test_a_tool_present_at_the_pinned_version_is_not_fetched_again(
    mirror: tuple[str, Path], tmp_path: Path
) -> None:
    assert _install(mirror, tmp_path / "bin", "kind").returncode == 0
    fetched = len(_Files.requests)
    again = _install(mirror, tmp_path / "bin", "kind")
    assert again.returncode == 0 and "installed" not in again.stdout
    assert len(_Files.requests) == fetched


def test_a_wrong_digest_is_refused_and_the_file_deleted(mirror: tuple[str, Path], tmp_path: Path) -> None:
    base, manifest = mirror
    _Files.files["/kubernetes-sigs/kind/releases/download/v0.32.0/kind-linux-amd64"] = b"tampered"
    result = _install(mirror, tmp_path / "bin", "kind")
    assert result.returncode == 1
    assert "kind v0.32.0: checksum mismatch" in result.stderr
    assert hashlib.sha256(b"tampered").hexdigest() in result.stderr and "expected sha256 " in result.stderr
    assert not (tmp_path / "bin" / "kind").exists()


@pytest.mark.parametrize("platform", tools.PLATFORMS)
def test_picks_the_asset_of_each_os_and_arch(mirror: tuple[str, Path], tmp_path: Path, platform: str) -> None:
    result = _install(mirror, tmp_path / "bin", "kind", platform=platform)
    assert result.returncode == 0, result.stderr
    assert _Files.requests[-1].endswith(f"kind-{platform}")
    assert (tmp_path / "bin" / "kind").read_text().endswith(f"kind {platform}\n")


def test_a_tool_without_a_pinned_digest_is_refused_with_what_to_do(tmp_path: Path) -> None:
    manifest = tools.load_manifest()
    manifest["tools"]["skaffold"]["sha256"] = {}
    with pytest.raises(tools.InstallError, match="skaffold v2.23.0: no pinned sha256 for darwin-arm64"):
        tools.resolve("skaffold", "darwin", "arm64", manifest)


def test_official_urls_per_platform() -> None:
    spec = tools.load_manifest()["tools"]
    assert (
        tools.asset_url(spec["kubectl"], "darwin", "arm64")
        == "https://dl.k8s.io/release/v1.37.1/bin/darwin/arm64/kubectl"
    )
    assert (
        tools.asset_url(spec["helm"], "linux", "arm64")
        == "https://get.helm.sh/helm-v4.3.0-linux-arm64.tar.gz"
    )
    assert (
        tools.asset_url(spec["skaffold"], "linux", "amd64", "http://mirror.local/x")
        == "http://mirror.local/x/skaffold/releases/v2.23.0/skaffold-linux-amd64"
    )


def test_pin_records_the_digest_of_every_platform(mirror: tuple[str, Path]) -> None:
    base, manifest_path = mirror
    manifest = tools.load_manifest(manifest_path)
    expected = {k: dict(v["sha256"]) for k, v in manifest["tools"].items()}
    for spec in manifest["tools"].values():
        spec["sha256"] = {}
    pinned = tools.pin(manifest, base)
    assert {k: v["sha256"] for k, v in pinned["tools"].items()} == expected
    import tomllib

    assert tomllib.loads(tools.dump_manifest(pinned))["tools"] == pinned["tools"]


# ---------------------------------------------------------------- the real digest table


def test_every_tool_has_a_digest_for_every_platform() -> None:
    manifest = tools.load_manifest()
    for tool in tools.ALL_TOOLS:
        for platform_key in tools.PLATFORMS:
            asset = tools.resolve(tool, *platform_key.split("-"), manifest)
            assert re.fullmatch(r"[0-9a-f]{64}", asset.sha256), (tool, platform_key)
            assert asset.url.startswith("https://") and asset.version in asset.url


def test_the_table_is_the_one_confirmed_by_two_independent_sources() -> None:
    """tools.toml against the reference table of published digests (versions and all 16 values)."""
    reference = require_shared(SHARED_REFERENCE / "tool-digests.md").read_text()
    rows = {
        m[1]: (m[2], m.groups()[2:6])
        for m in re.finditer(
            r"^\| (\w+) \| (v[\d.]+) \| [^|]+ \| `([0-9a-f]{64})` \| `([0-9a-f]{64})` \| "
            r"`([0-9a-f]{64})` \| `([0-9a-f]{64})` \|$",
            reference,
            re.M,
        )
    }
    manifest = tools.load_manifest()["tools"]
    assert set(rows) == set(tools.ALL_TOOLS)
    for tool, (version, digests) in rows.items():
        assert manifest[tool]["version"] == version
        order = ("linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64")
        assert tuple(manifest[tool]["sha256"][k] for k in order) == digests, tool


def test_the_pypi_kubectl_is_the_official_linux_amd64_asset() -> None:
    """Two routes, one binary: the kubectl inside the pinned PyPI wheel has the official digest."""
    manifest = tools.load_manifest()
    assert manifest["pypi"]["sha256"]["kubectl"] == manifest["tools"]["kubectl"]["sha256"]["linux-amd64"]


def test_the_real_table_installs_the_real_kubectl_and_refuses_another(tmp_path: Path) -> None:
    """The installer with the real manifest, served the real kubectl v1.37.1 linux/amd64 binary
    (the one `make test` takes from the PyPI wheel) at its official path; then a different file."""
    kubectl = shutil.which("kubectl")
    pinned = tools.load_manifest()["tools"]["kubectl"]["sha256"]["linux-amd64"]
    if kubectl is None or tools.sha256_of(Path(kubectl).read_bytes()) != pinned:
        pytest.skip("no kubectl v1.37.1 linux/amd64 on PATH (make test-tools installs it)")
    real = Path(kubectl).read_bytes()
    _Files.files, _Files.requests = {"/release/v1.37.1/bin/linux/amd64/kubectl": real}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        manifest = tools.load_manifest()
        installed = tools.install_official("kubectl", tmp_path / "bin", manifest, "linux", "amd64", base)
        assert installed is not None and installed.read_bytes() == real
        _Files.files["/release/v1.37.1/bin/linux/amd64/kubectl"] = real + b"\0"
        with pytest.raises(
            tools.InstallError, match=f"kubectl v1.37.1: checksum mismatch.*expected sha256 {pinned}"
        ):
            tools.install_official("kubectl", tmp_path / "other", manifest, "linux", "amd64", base)
        assert not (tmp_path / "other" / "kubectl").exists()
    finally:
        server.shutdown()

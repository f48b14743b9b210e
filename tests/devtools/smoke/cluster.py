"""Kubernetes through kubectl (the pinned one in .tools/bin): JSON reads, Secret data, port-forwards,
`kubectl exec` of psql inside the warehouse pod. Secret values are read from kubectl's stdout into memory;
no command line here carries one."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import subprocess
import time
from collections.abc import Iterator
from typing import Any

from tests.devtools.smoke.stack import Service

_FORWARDING = re.compile(r"Forwarding from 127\.0\.0\.1:(\d+) ->")


class ClusterError(Exception):
    """kubectl failed; the message carries its last line of stderr."""


class Kubectl:
    def __init__(self, context: str, kubectl: str = "kubectl") -> None:
        self.base = [kubectl, "--context", context]

    def run(self, *args: str, input_text: str | None = None, timeout: float = 60) -> str:
        try:
            done = subprocess.run(
                [*self.base, *args], input=input_text, capture_output=True, text=True, timeout=timeout
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClusterError(f"kubectl {args[0]}: {exc}") from exc
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise ClusterError(f"kubectl {' '.join(args[:3])}: {last}")
        return done.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "-o", "json"))

    def secret_data(self, namespace: str, name: str) -> dict[str, str]:
        secret = self.json("get", "secret", name, "-n", namespace)
        return {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}

    def json_of_release(self, release: str, namespace: str) -> dict[str, Any]:
        """A Helm release's computed values (chart defaults + ours), read with the pinned helm."""
        try:
            done = subprocess.run(
                [
                    "helm",
                    "get",
                    "values",
                    release,
                    "-n",
                    namespace,
                    "--kube-context",
                    self.base[2],
                    "--all",
                    "-o",
                    "json",
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClusterError(f"helm get values {release}: {exc}") from exc
        if done.returncode != 0:
            raise ClusterError(f"helm get values {release}: {(done.stderr.strip().splitlines() or [''])[-1]}")
        return dict(json.loads(done.stdout))

    def pods(self, namespace: str) -> list[dict[str, Any]]:
        return list(self.json("get", "pods", "-n", namespace).get("items") or [])

    def events(self, namespace: str) -> list[dict[str, Any]]:
        return list(self.json("get", "events", "-n", namespace).get("items") or [])

    def service_by_label(self, namespace: str, selector: str) -> Service:
        items = self.json("get", "services", "-n", namespace, "-l", selector).get("items") or []
        if len(items) != 1:
            raise ClusterError(
                f"expected one Service with {selector} in namespace {namespace}, found {len(items)}"
            )
        return Service(namespace, items[0]["metadata"]["name"], int(items[0]["spec"]["ports"][0]["port"]))

    @contextlib.contextmanager
    def port_forward(self, service: Service, timeout: float = 30) -> Iterator[int]:
        """A local port on 127.0.0.1 forwarded to the Service, for the block."""
        proc = subprocess.Popen(
            [*self.base, "port-forward", "-n", service.namespace, f"svc/{service.name}", f":{service.port}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + timeout
            assert proc.stdout is not None
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if match := _FORWARDING.search(line):
                    yield int(match[1])
                    return
                if not line and proc.poll() is not None:
                    break
            err = proc.stderr.read().strip().splitlines()[-1:] if proc.stderr else []
            raise ClusterError(
                f"port-forward to svc/{service.name} in {service.namespace} failed: {' '.join(err) or 'timed out'}"
            )
        finally:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)

    def psql_argv(self, service: Service, user: str, database: str) -> list[str]:
        """psql inside the warehouse pod over its local socket: no password leaves the pod."""
        return [
            *self.base,
            "exec",
            "-i",
            "-n",
            service.namespace,
            f"svc/{service.name}",
            "--",
            "psql",
            "-U",
            user,
            "-d",
            database,
        ]

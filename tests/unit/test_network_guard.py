"""The suite's own guard: no test can open a connection to a host other than loopback."""

from __future__ import annotations

import socket

import pytest


def test_connecting_to_a_non_loopback_host_fails_before_any_packet() -> None:
    with socket.socket() as sock, pytest.raises(OSError, match="tests may only use loopback"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed, and never attempted here

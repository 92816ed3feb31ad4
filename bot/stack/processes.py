"""Starting, probing and stopping the stack's processes: one place for ports, logs, readiness and clean stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence

HOST = "127.0.0.1"
#: Every file a service creates (stores, logs) is readable by its owner only.
UMASK = 0o077


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    """True when something on 127.0.0.1 accepts connections on ``port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def http_ok(url: str, headers: Optional[Mapping[str, str]] = None, must_contain: str = "") -> bool:
    """True when GET url answers 2xx (and its body contains ``must_contain``)."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return must_contain in response.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError, ValueError):
        return False


@dataclass
class Service:
    """One process of the stack.

    Attributes:
        name: e.g. ``rasa-1``, ``actions-1``, ``web``, ``postgres``.
        command: the program and its arguments (never a secret: those go in ``env``).
        env: the process's whole environment.
        ready: returns True once the service answers.
        log: where its output goes (created 0600).
        popen: extra Popen arguments (e.g. the user PostgreSQL runs as).
    """

    name: str
    command: List[str]
    env: Dict[str, str]
    ready: Callable[[], bool]
    log: Path
    cwd: Optional[Path] = None
    popen: Dict[str, object] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None
    ready_after_s: Optional[float] = None

    def start(self) -> None:
        """Launch the process in its own session (Ctrl-C reaches the launcher, which stops it in order)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.chmod(self.log, 0o600)
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=fd,
                                            stderr=subprocess.STDOUT, start_new_session=True, umask=UMASK,
                                            **self.popen)  # type: ignore[arg-type]
        finally:
            os.close(fd)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        """The end of the service's log, for error messages."""
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])


class StartError(RuntimeError):
    """A service stopped while starting or did not answer in time; the message holds its log's end."""


def wait_ready(services: Sequence[Service], started_at: float, timeout_s: float) -> None:
    """Polls each service until it answers, recording when; raises StartError if one dies or time runs out."""
    deadline = time.perf_counter() + timeout_s
    while any(s.ready_after_s is None for s in services):
        for service in services:
            if service.ready_after_s is None and service.ready():
                service.ready_after_s = time.perf_counter() - started_at
            if not service.running:
                raise StartError(f"{service.name} stopped while starting; the end of {service.log}:\n"
                                 f"{service.log_tail()}")
        if time.perf_counter() > deadline:
            late = ", ".join(s.name for s in services if s.ready_after_s is None)
            raise StartError(f"not ready after {timeout_s:.0f} s: {late}")
        time.sleep(0.2)


def terminate(services: Sequence[Service], sig: int = signal.SIGTERM, grace_s: float = 15.0) -> None:
    """Sends ``sig`` to each service's process group, then waits for each, with SIGKILL after ``grace_s``."""
    for service in services:
        if service.running:
            try:
                os.killpg(service.process.pid, sig)
            except ProcessLookupError:
                pass
    for service in services:
        if service.process is None:
            continue
        try:
            service.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(service.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            service.process.wait()

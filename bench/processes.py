"""Starting the Rasa server, action server and web service on free ports in a throwaway directory, and
reading their memory."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

REPO_DIR = Path(__file__).resolve().parents[1]
VENV_BIN = REPO_DIR / ".venv" / "bin"
MODEL = REPO_DIR / "models" / "xiaodian.tar.gz"
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def process_tree(pid: int) -> List[int]:
    """A process and its live descendants, the process first (from /proc/<pid>/task/*/children)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return pids


def sum_over_tree(pid: int, read: Callable[[str], float], file: str) -> Optional[float]:
    """read(/proc/<p>/<file>) summed over a process and its live descendants (None once it has exited;
    a descendant that exits meanwhile counts nothing)."""
    total = 0.0
    for current in process_tree(pid):
        try:
            text = Path(f"/proc/{current}/{file}").read_text()
        except OSError:
            if current == pid:
                return None
            continue
        total += read(text)
    return total


def _vm_rss_kb(status: str) -> float:
    return sum(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))


def rss_mb(pid: int) -> Optional[float]:
    """Resident memory of a process and its descendants in MB (from /proc; None once it has exited)."""
    kb = sum_over_tree(pid, _vm_rss_kb, "status")
    return None if kb is None else kb / 1024


def http_ok(url: str, must_contain: str = "") -> bool:
    """True when GET url answers 2xx (and its body contains must_contain)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return must_contain in response.read().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - any failure means "not ready yet"
        return False


def terminate(servers: Sequence["Server"], sig: int) -> None:
    """Sends sig to each server's process group, then waits for each, with SIGKILL after 10 s."""
    for server in servers:
        if server.process and server.process.poll() is None:
            os.killpg(server.process.pid, sig)
    for server in servers:
        if server.process:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()


@dataclass
class Server:
    """One started process: its name, command, readiness URL and log file."""

    name: str
    command: List[str]
    ready_url: str
    ready_text: str = ""
    process: Optional[subprocess.Popen] = None
    ready_after_s: Optional[float] = None


@dataclass
class Stack:
    """Rasa + action server + web service as `make run` starts them, but on free ports and with every
    store in a temporary directory (nothing under var/ is touched). Use as a context manager: the
    processes are stopped on leaving it, also on Ctrl-C.

    Attributes:
        model: the model Rasa loads.
        with_actions_and_web: False starts Rasa alone (NLU over HTTP needs nothing else).
    """

    model: Path = MODEL
    with_actions_and_web: bool = True
    ports: Dict[str, int] = field(default_factory=dict)
    servers: List[Server] = field(default_factory=list)
    started_at: float = 0.0
    _tmp: Optional[tempfile.TemporaryDirectory] = None

    @property
    def web_url(self) -> str:
        return f"http://{HOST}:{self.ports['web']}"

    @property
    def rasa_url(self) -> str:
        return f"http://{HOST}:{self.ports['rasa']}"

    def _environment(self, tmp: Path) -> Dict[str, str]:
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": str(REPO_DIR) + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "SANIC_HOST": HOST,
            "XIAODIAN_ACTION_TOKEN": secrets.token_urlsafe(32),
            "XIAODIAN_WEB_SECRET": secrets.token_hex(32),
            "XIAODIAN_WEB_URL": f"http://{HOST}:{self.ports.get('web', 0)}",
            "XIAODIAN_RASA_URL": f"http://{HOST}:{self.ports['rasa']}",
            "XIAODIAN_DEMO_ORDERS": "0",
            "XIAODIAN_AGENTS_FILE": str(tmp / "agents.yml"),
            "XIAODIAN_REVIEW_FILE": str(tmp / "review.csv"),
            "DATABASE_URL": f"sqlite:///{tmp / 'orders.sqlite'}",
        })
        return env

    def start(self) -> "Stack":
        """Launches the processes (does not wait; see wait_ready)."""
        self._tmp = tempfile.TemporaryDirectory(prefix="xiaodian-bench-")
        tmp = Path(self._tmp.name)
        self.ports = {"rasa": free_port()}
        if self.with_actions_and_web:
            self.ports.update(actions=free_port(), web=free_port())
        # Conversations in memory: the SQL tracker store of endpoints.yml would write var/tracker.db.
        endpoints = tmp / "endpoints.yml"
        action_url = f"http://{HOST}:{self.ports.get('actions', 0)}/webhook"
        endpoints.write_text(f'action_endpoint:\n  url: "{action_url}"\n' if self.with_actions_and_web else "{}\n")
        env = self._environment(tmp)
        if self.with_actions_and_web:
            self.servers.append(Server(
                "actions", [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                            "--port", str(self.ports["actions"])],
                f"http://{HOST}:{self.ports['actions']}/health"))
        self.servers.append(Server(
            "rasa", [str(VENV_BIN / "rasa"), "run", "--enable-api", "-i", HOST, "-p", str(self.ports["rasa"]),
                     "-m", str(self.model), "--endpoints", str(endpoints),
                     "--credentials", str(REPO_DIR / "credentials.yml")],
            f"http://{HOST}:{self.ports['rasa']}/status", '"model_id"'))
        if self.with_actions_and_web:
            self.servers.append(Server(
                "web", [str(VENV_BIN / "python"), "-m", "bot.web", "--port", str(self.ports["web"])],
                f"http://{HOST}:{self.ports['web']}/"))
        self.started_at = time.perf_counter()
        for server in self.servers:
            log = open(tmp / f"{server.name}.log", "wb")  # noqa: SIM115 - closed with the process
            # Own session: Ctrl-C in the terminal reaches the benchmark, which then stops them in order.
            server.process = subprocess.Popen(server.command, cwd=REPO_DIR, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True)
            log.close()
        return self

    def wait_ready(self, timeout_s: float = 300.0) -> None:
        """Polls each server until it answers; records when each one did. Raises if one dies or times out."""
        deadline = time.perf_counter() + timeout_s
        while any(s.ready_after_s is None for s in self.servers):
            for server in self.servers:
                if server.ready_after_s is None and http_ok(server.ready_url, server.ready_text):
                    server.ready_after_s = time.perf_counter() - self.started_at
                if server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} stopped while starting:\n{self.log_tail(server.name)}")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"servers not ready after {timeout_s:.0f} s")
            time.sleep(0.2)

    def log_tail(self, name: str, lines: int = 20) -> str:
        """The end of a server's log, for error messages."""
        path = Path(self._tmp.name) / f"{name}.log"
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:]) if path.exists() else ""

    def rss(self) -> Dict[str, Optional[float]]:
        """Resident memory (MB) of each server now."""
        return {s.name: rss_mb(s.process.pid) for s in self.servers if s.process}

    def stop(self) -> None:
        """SIGTERM to each process, SIGKILL after 10 s; removes the temporary directory."""
        terminate(self.servers, signal.SIGTERM)
        self.servers = []
        if self._tmp:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

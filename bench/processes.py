"""The benchmarks' stack (bot.stack's launcher in a throwaway directory) and reading its processes' memory."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional

from bot.stack.launcher import MODEL, REPO_DIR, VENV_BIN, Stack, StackConfig  # noqa: F401 - REPO_DIR, VENV_BIN for the benchmarks
from bot.stack.processes import HOST, free_port  # noqa: F401 - the benchmarks' names for them
from bot.web.rate_limits import LIMIT_SETTINGS

#: A rate limit no benchmark reaches.
UNLIMITED = "1000000/second"


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


class BenchStack(Stack):
    """bot.stack's Stack as the benchmarks want it: every store in a temporary directory (nothing under var/
    is touched), free ports, conversations in memory unless ``stores`` says otherwise, and no rate limits
    (the load comes from one address). A context manager; leaving it stops every process.

    Args:
        model: the model Rasa loads.
        with_actions_and_web: False starts Rasa alone (NLU over HTTP needs nothing else).
        stores: ``memory`` (default) or ``shared`` (PostgreSQL and Redis, several instances).
        instances: Rasa instances (several need the shared stores).
        shared_locks: False leaves each instance its own lock store (the scaled benchmark's control run).
        env: more environment for the services.
    """

    def __init__(self, model: Path = MODEL, with_actions_and_web: bool = True, stores: str = "memory",
                 instances: int = 1, shared_locks: bool = True, env: Optional[Dict[str, str]] = None) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="xiaodian-bench-"))
        config = StackConfig(
            instances=instances, stores=stores, state_dir=self._tmp / "var", log_dir=self._tmp / "logs",
            fixed_ports=False, with_actions_and_web=with_actions_and_web, model=model, shared_locks=shared_locks,
            env={
                "DATABASE_URL": f"sqlite:///{self._tmp / 'orders.sqlite'}",
                "XIAODIAN_WEB_SECRET": secrets.token_hex(32),
                "XIAODIAN_DEMO_ORDERS": "0",
                "XIAODIAN_AGENTS_FILE": str(self._tmp / "agents.yml"),
                "XIAODIAN_REVIEW_FILE": str(self._tmp / "review.csv"),
                **{variable: UNLIMITED for variable, _ in LIMIT_SETTINGS.values()},
                **(env or {}),
            },
        )
        super().__init__(config)

    def short_name(self, name: str) -> str:
        """``rasa`` for ``rasa-1`` when there is one instance (the tables' column names)."""
        return name[:-2] if self.config.instances == 1 and name.endswith("-1") else name

    def ready_times(self) -> Dict[str, Optional[float]]:
        """Seconds from launch until each service answered."""
        return {self.short_name(s.name): s.ready_after_s for s in self.services}

    def rss(self) -> Dict[str, Optional[float]]:
        """Resident memory (MB) of each service now."""
        return {self.short_name(s.name): rss_mb(s.process.pid) for s in self.services if s.process}

    def log_tail(self, name: str, lines: int = 20) -> str:
        """The end of a service's log, for error messages."""
        return self.service(name).log_tail(lines)

    def stop(self) -> None:
        """Stops every process and removes the temporary directory."""
        try:
            super().stop()
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)


# ------------------------------------------------------------------ CPU use
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds_of(stat: str) -> float:
    fields = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces; fields from "state" on
    return sum(int(value) for value in fields[11:15]) / _TICKS  # utime stime cutime cstime


def cpu_seconds(pid: int) -> Optional[float]:
    """CPU seconds (user + system) of a process, its reaped children and its live descendants, from /proc
    (None once it has exited)."""
    return sum_over_tree(pid, _cpu_seconds_of, "stat")


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy (not idle or waiting for I/O) since boot, over all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / _TICKS  # up to steal; minus idle and iowait


#: Keys of a CPU snapshot that are not servers of the stack.
LOAD_GENERATOR, MACHINE = "load generator", "machine"


def cpu_snapshot(stack: BenchStack) -> Dict[str, Optional[float]]:
    """CPU seconds so far of each server of the stack, of this process (the load generator, without its
    children, the servers) and of the whole machine."""
    snapshot = {stack.short_name(s.name): cpu_seconds(s.process.pid) for s in stack.services if s.process}
    snapshot[LOAD_GENERATOR] = sum(os.times()[:2])
    snapshot[MACHINE] = machine_cpu_seconds()
    return snapshot


def cores_used(before: Mapping[str, Optional[float]], after: Mapping[str, Optional[float]],
               elapsed: float) -> Dict[str, Optional[float]]:
    """Cores each server (and the machine) kept busy on average between two snapshots."""
    return {name: (after[name] - before[name]) / elapsed if after.get(name) is not None
            and before.get(name) is not None else None for name in before}

"""The one launcher of the assistant: Rasa instances, their action servers, the web service and the stores.

``make run``, ``make run-scaled``, the benchmarks and the live tests all start the stack here, so ports,
environment, credentials, the endpoints file, readiness and a clean stop are written once:

- ``stores="local"``: one Rasa instance, conversations in SQLite (``<state>/tracker.db``), orders and
  tickets in ``DATABASE_URL`` (default var/orders.sqlite);
- ``stores="memory"``: conversations in memory (benchmarks: nothing written);
- ``stores="shared"``: PostgreSQL (tracker store, orders, tickets) and Redis (lock store) shared by
  ``instances`` Rasa instances, each with its own action server, behind the web service.

Every service asks for credentials (bot.stack.secrets, fresh at each start), and every file the stack
creates is readable by its owner only.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_hex
from typing import Dict, List, Optional

from bot import rasa_auth
from bot.stack import stores
from bot.stack.endpoints import (PG_PASSWORD_ENV, REDIS_PASSWORD_ENV, PostgresTracker, RedisLocks, SqliteTracker,
                                 write_endpoints)
from bot.stack.processes import HOST, Service, StartError, free_port, http_ok, port_in_use, terminate, wait_ready
from bot.stack.secrets import StackSecrets

REPO_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = REPO_DIR / ".venv" / "bin"
MODEL = REPO_DIR / "models" / "xiaodian.tar.gz"
STORE_KINDS = ("local", "memory", "shared")
#: make run's fixed ports (tests and benchmarks take free ones).
RASA_PORT, ACTIONS_PORT, WEB_PORT, PG_PORT, REDIS_PORT = 5005, 5055, 8080, 5433, 6380


def python() -> str:
    """The project's interpreter (.venv), else this one."""
    candidate = VENV_BIN / "python"
    return str(candidate) if candidate.exists() else sys.executable


def secure_dir(path: Path) -> Path:
    """Create ``path`` (0700) and make what is already in it, at any depth, readable by its owner only
    (files 0600, folders 0700): stores, logs and trainer files an older version or another command left."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    for child in path.rglob("*"):
        if child.is_symlink() or child.stat().st_uid != os.geteuid():
            continue  # not ours to change (PostgreSQL's cluster belongs to its own user)
        os.chmod(child, 0o700 if child.is_dir() else 0o600)
    return path


@dataclass
class StackConfig:
    """What to start and where.

    Attributes:
        instances: Rasa instances, each with its own action server (several only with shared stores).
        stores: ``local``, ``memory`` or ``shared`` (see the module docstring).
        state_dir: the stores' files (tracker.db, scaled/pg...); make run: var/.
        log_dir: one log per service; make run: .state/logs.
        fixed_ports: make run's ports (refusing to start when taken); else free ports.
        with_actions_and_web: False starts Rasa alone (NLU over HTTP needs nothing else).
        env: extra environment for every service (XIAODIAN_NOW, XIAODIAN_SHOP_DIR, DATABASE_URL...).
        web_port: the web service's port when ports are fixed.
    """

    instances: int = 1
    stores: str = "local"
    state_dir: Path = REPO_DIR / "var"
    log_dir: Path = REPO_DIR / ".state" / "logs"
    fixed_ports: bool = True
    with_actions_and_web: bool = True
    model: Path = MODEL
    env: Dict[str, str] = field(default_factory=dict)
    web_port: int = WEB_PORT
    #: False leaves each instance its own in-memory lock store: the scaled benchmark's control run, which
    #: shows its integrity check does catch interleaved turns. Never for serving buyers.
    shared_locks: bool = True

    def check(self) -> None:
        """Raises ValueError naming the setting that is wrong."""
        if self.stores not in STORE_KINDS:
            raise ValueError(f"stores must be one of {', '.join(STORE_KINDS)} (got {self.stores!r})")
        if not 1 <= self.instances <= 9:
            raise ValueError(f"instances must be 1 to 9 (got {self.instances})")
        if self.instances > 1 and self.stores != "shared":
            raise ValueError("several Rasa instances need the shared stores (--stores shared): "
                             "each instance must see every conversation and its lock")
        if not self.model.exists():
            raise ValueError(f"no trained model at {self.model}: run `make train`")


@dataclass
class Stack:
    """A running (or stopped) stack. A context manager: leaving it stops every process, also on Ctrl-C."""

    config: StackConfig = field(default_factory=StackConfig)
    secrets: StackSecrets = field(default_factory=StackSecrets.generate)
    ports: Dict[str, int] = field(default_factory=dict)
    services: List[Service] = field(default_factory=list)
    started_at: float = 0.0
    postgres: Optional[stores.PostgresCluster] = None
    redis_password: str = ""

    # ------------------------------------------------------------------ addresses
    @property
    def web_url(self) -> str:
        return f"http://{HOST}:{self.ports['web']}"

    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://{HOST}:{self.ports[f'rasa-{n}']}" for n in range(1, self.config.instances + 1)]

    @property
    def rasa_url(self) -> str:
        return self.rasa_urls[0]

    @property
    def shop_db_url(self) -> Optional[str]:
        """Orders and tickets (the services' DATABASE_URL)."""
        return self.postgres.url("shop") if self.postgres else self.config.env.get("DATABASE_URL")

    @property
    def tracker_db_url(self) -> Optional[str]:
        if self.postgres:
            return self.postgres.url("rasa")
        if self.config.stores == "local":
            return f"sqlite:///{self.config.state_dir / 'tracker.db'}"
        return None

    def rasa_headers(self) -> Dict[str, str]:
        """What a caller of Rasa's API must send (a fresh JWT)."""
        return {"Authorization": f"Bearer {rasa_auth.api_token(self.secrets.rasa_jwt)}"}

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    # ------------------------------------------------------------------ start
    def _pick_ports(self) -> None:
        config, numbers = self.config, range(1, self.config.instances + 1)
        if config.fixed_ports:
            self.ports = {"web": config.web_port, "postgres": PG_PORT, "redis": REDIS_PORT}
            for n in numbers:
                self.ports.update({f"rasa-{n}": RASA_PORT + n - 1, f"actions-{n}": ACTIONS_PORT + n - 1})
            wanted = [p for k, p in self.ports.items() if config.stores == "shared" or k not in ("postgres", "redis")]
            taken = [str(p) for p in wanted if port_in_use(p)]
            if taken:
                raise StartError(f"port {', '.join(taken)} on 127.0.0.1 is already in use (another 'make run'?). "
                                 "Stop it and try again.")
        else:
            self.ports = {"web": free_port(), "postgres": free_port(), "redis": free_port()}
            for n in numbers:
                self.ports.update({f"rasa-{n}": free_port(), f"actions-{n}": free_port()})

    def _base_env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": str(REPO_DIR) + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            # rasa_sdk has no --host flag; its Sanic app reads the bind address from SANIC_HOST.
            "SANIC_HOST": HOST,
        })
        env.update(self.config.env)
        if self.postgres:
            env["DATABASE_URL"] = self.postgres.url("shop")
            env[PG_PASSWORD_ENV] = self.postgres.password()
        return env

    def _start_stores(self, log_dir: Path) -> None:
        config = self.config
        if config.stores != "shared":
            return
        why = stores.missing()
        if why:
            raise StartError(f"{why}: run  {stores.INSTALL_HINT}")
        folder = config.state_dir / "scaled"
        secure_dir(folder)
        self.postgres = stores.PostgresCluster(folder / "pg", self.ports["postgres"])
        self.postgres.initialise()
        owner = stores.postgres_user()
        postgres = Service("postgres", self.postgres.command(), dict(os.environ), self.postgres.accepts_connections,
                           log_dir / "postgres.log", popen=stores.as_user(owner))
        self.redis_password = token_hex(24)
        redis_port = self.ports["redis"]
        redis = Service("redis", stores.redis_command(redis_port, folder / "redis", self.redis_password),
                        dict(os.environ), lambda: stores.redis_pongs(redis_port, self.redis_password),
                        log_dir / "redis.log")
        for service in (postgres, redis):
            service.start()
            self.services.append(service)
        wait_ready([postgres, redis], self.started_at, timeout_s=120)
        self.postgres.create_databases()

    def _tracker(self) -> Optional[SqliteTracker | PostgresTracker]:
        if self.config.stores == "local":
            return SqliteTracker(self.config.state_dir / "tracker.db")
        if self.config.stores == "shared":
            assert self.postgres is not None
            return PostgresTracker(HOST, self.postgres.port, "rasa", self.postgres.user)
        return None

    def start(self) -> "Stack":
        """Starts the stores (and waits for them), then launches the services; see wait_ready."""
        config = self.config
        config.check()
        self.started_at = time.perf_counter()
        self._pick_ports()
        log_dir = secure_dir(config.log_dir)
        secure_dir(config.state_dir)
        try:
            self._start_stores(log_dir)
            self._launch_services(log_dir)
        except BaseException:
            self.stop()
            raise
        return self

    def _launch_services(self, log_dir: Path) -> None:
        config, secrets = self.config, self.secrets
        base = self._base_env()
        locks = RedisLocks(HOST, self.ports["redis"]) if config.stores == "shared" and config.shared_locks else None
        rasa_env = {**base, **secrets.for_rasa(), REDIS_PASSWORD_ENV: self.redis_password}
        actions_env = {**base, **secrets.for_actions()}
        for n in range(1, config.instances + 1):
            rasa_port, actions_port = self.ports[f"rasa-{n}"], self.ports[f"actions-{n}"]
            actions_url = f"http://{HOST}:{actions_port}"
            if config.with_actions_and_web:
                token_header = {"Authorization": f"Bearer {secrets.actions_token}"}
                self.services.append(Service(
                    f"actions-{n}", [python(), "-m", "actions.server", "--port", str(actions_port)], actions_env,
                    lambda url=actions_url, h=token_header: http_ok(f"{url}/health", h),
                    log_dir / f"actions-{n}.log", cwd=REPO_DIR))
            endpoints = write_endpoints(log_dir / f"endpoints-{n}.yml", f"{actions_url}/webhook",
                                        self._tracker(), locks)
            rasa_url = f"http://{HOST}:{rasa_port}"
            self.services.append(Service(
                f"rasa-{n}",
                [python(), "-m", "bot.stack.rasa_server", "-i", HOST, "-p", str(rasa_port), "-m", str(config.model),
                 "--endpoints", str(endpoints), "--credentials", str(REPO_DIR / "credentials.yml")],
                rasa_env,
                lambda url=rasa_url: http_ok(f"{url}/status", self.rasa_headers(), '"model_id"'),
                log_dir / f"rasa-{n}.log", cwd=REPO_DIR))
        if config.with_actions_and_web:
            web_env = {**base, **secrets.for_web(), "XIAODIAN_RASA_URL": ",".join(self.rasa_urls)}
            if self.tracker_db_url:
                # The service report reads the conversations where Rasa keeps them (no password in the URL).
                web_env["XIAODIAN_TRACKER_URL"] = self.tracker_db_url
            web_url = f"http://{HOST}:{self.ports['web']}"
            self.services.append(Service(
                "web", [python(), "-m", "bot.web", "--port", str(self.ports["web"])], web_env,
                lambda: http_ok(f"{web_url}/"), log_dir / "web.log", cwd=REPO_DIR))
        for service in self.services:
            if service.process is None:
                service.start()

    def app_services(self) -> List[Service]:
        """Rasa, the action servers and the web service (not the stores)."""
        return [s for s in self.services if s.name not in ("postgres", "redis")]

    def wait_ready(self, timeout_s: float = 600.0) -> None:
        """Waits until every service answers; raises StartError with the log of one that stopped."""
        wait_ready(self.app_services(), self.started_at, timeout_s)

    # ------------------------------------------------------------------ faults (tests, benchmarks)
    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kills one service (its whole process group), as a crash would, and waits until it is gone."""
        service = self.service(name)
        if service.running:
            os.killpg(service.process.pid, sig)
        service.process.wait()

    def restart(self, name: str, timeout_s: float = 600.0) -> float:
        """Starts a stopped service again as it was first started; returns seconds until it answered."""
        service = self.service(name)
        if service.running:
            raise StartError(f"{name} is still running")
        started = time.perf_counter()
        service.ready_after_s = None
        service.start()
        wait_ready([service], started, timeout_s)
        return time.perf_counter() - started

    # ------------------------------------------------------------------ stop
    def stop(self) -> None:
        """The services first (SIGTERM), then Redis and PostgreSQL (SIGINT: its fast shutdown)."""
        terminate(self.app_services(), signal.SIGTERM)
        terminate([s for s in self.services if s.name not in {x.name for x in self.app_services()}], signal.SIGINT)
        self.services = []

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

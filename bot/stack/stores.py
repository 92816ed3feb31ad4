"""The shared stores of a scaled stack: a PostgreSQL cluster (tracker store, orders, tickets) and Redis (locks).

One place finds PostgreSQL's programs (on PATH, or Debian's /usr/lib/postgresql/<version>/bin, off PATH),
picks the user it runs as (it refuses root), creates the cluster with a password (scram-sha-256 on
loopback, never trust), starts it and makes the databases. ``make run-scaled`` keeps its cluster in
var/scaled/pg; tests and benchmarks make a throwaway one.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

INSTALL_HINT = "make setup-scaled  (on Debian: sudo apt-get install redis-server postgresql)"
PG_USER = "xiaodian"
#: Rasa's event log apart from the shop's records, as they would be on separate servers in production.
DATABASES = ("rasa", "shop")


def postgres_bin() -> Optional[Path]:
    """PostgreSQL's server programs: pg_ctl's directory when on PATH, else Debian's newest
    /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    versions = [p for p in found if p.parent.name.isdigit()]
    return max(versions, key=lambda p: int(p.parent.name)) if versions else None


def postgres_user() -> Optional[str]:
    """Who runs PostgreSQL: the current user, or as root (which PostgreSQL refuses) postgres, else nobody."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def as_user(user: Optional[str]) -> Dict[str, Any]:
    """Popen arguments that run a program as ``user`` (with only that user's group) when we are root."""
    if os.geteuid() != 0 or user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def missing() -> Optional[str]:
    """Why the shared stores cannot run on this machine, or None when they can."""
    problems = []
    if shutil.which("redis-server") is None:
        problems.append("redis-server is not installed")
    folder = postgres_bin()
    if folder is None or not all((folder / tool).exists() for tool in ("initdb", "postgres", "pg_isready")):
        problems.append("PostgreSQL (initdb, postgres) is not installed")
    elif postgres_user() is None:
        problems.append("running as root with no 'postgres' or 'nobody' user to run PostgreSQL as")
    return "; ".join(problems) or None


def _let_through(folder: Path, owner: str) -> None:
    """Lets ``owner`` (PostgreSQL's user) reach the cluster below ``folder``: each folder on the way that
    we own gets the traverse bit for others (x, not r: nothing can be listed, and every file is 0600)."""
    for current in [folder, *folder.parents]:
        info = current.stat()
        if info.st_uid == os.geteuid() and not info.st_mode & 0o001:
            os.chmod(current, (info.st_mode & 0o7777) | 0o011)


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster in ``folder`` (created on first use), listening on 127.0.0.1:``port`` only.

    Attributes:
        folder: holds ``data/`` and ``password`` (0600); owned by the user PostgreSQL runs as.
        port: the TCP port (no Unix socket).
    """

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def password_file(self) -> Path:
        return self.folder / "password"

    @property
    def user(self) -> str:
        return PG_USER

    def password(self) -> str:
        """The superuser's password, made once (0600)."""
        if not self.password_file.exists():
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(16))
        return self.password_file.read_text().strip()

    def url(self, database: str) -> str:
        """A SQLAlchemy URL without the password (libpq reads it from PGPASSWORD)."""
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, command: List[str], owner: Optional[str]) -> None:
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, **as_user(owner))
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]}")

    def initialise(self) -> None:
        """Create the cluster when ``folder`` has none (scram-sha-256 with the password; no trust)."""
        folder, owner = postgres_bin(), postgres_user()
        if folder is None or owner is None:
            raise RuntimeError(f"{missing()}: run  {INSTALL_HINT}")
        if os.geteuid() == 0 and self.folder.parent.exists():
            _let_through(self.folder.parent, owner)
        if (self.data / "PG_VERSION").exists():
            return
        password = self.password()
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        if os.geteuid() == 0:
            _let_through(self.folder.parent, owner)
        # initdb reads the password as the owner: a copy it may read, removed right after.
        pwfile = self.folder / "pwfile"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.folder, user=owner)
            shutil.chown(pwfile, user=owner)
        try:
            self._run([str(folder / "initdb"), "-D", str(self.data), "-U", PG_USER, f"--pwfile={pwfile}",
                       "-E", "UTF8", "--no-locale", "--auth-host=scram-sha-256", "--auth-local=peer"], owner)
        finally:
            pwfile.unlink(missing_ok=True)

    def command(self) -> List[str]:
        folder = postgres_bin()
        assert folder is not None
        return [str(folder / "postgres"), "-D", str(self.data), "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]

    def accepts_connections(self) -> bool:
        folder = postgres_bin()
        if folder is None:
            return False
        done = subprocess.run([str(folder / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True, timeout=10)
        return done.returncode == 0

    def create_databases(self) -> None:
        """Create the rasa and shop databases when missing."""
        from sqlalchemy import create_engine, text

        admin = create_engine(self.url("postgres"), future=True,
                              connect_args={"password": self.password()})
        try:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                existing = {row[0] for row in connection.execute(text("SELECT datname FROM pg_database"))}
                for name in DATABASES:
                    if name not in existing:
                        connection.execute(text(f"CREATE DATABASE {name}"))
        finally:
            admin.dispose()


def redis_command(port: int, folder: Path, password: str) -> List[str]:
    """Redis on 127.0.0.1:``port``, in memory only (the lock store keeps nothing worth saving), asking for
    ``password``: it is written to a 0600 config file, never on the command line."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = folder / "redis.conf"
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"bind 127.0.0.1\nport {port}\nsave \"\"\nappendonly no\ndir {folder}\n"
                     f"requirepass {password}\n")
    return ["redis-server", str(config)]


def redis_pongs(port: int, password: str) -> bool:
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, password=password, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()

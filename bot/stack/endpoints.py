"""The one writer of Rasa's endpoints file (action server, tracker store, lock store) for each instance.

Secrets are never written into it: they stay ``${VARIABLE}`` placeholders, unquoted, which Rasa 3.6
fills in from the instance's environment when it reads the file (only unquoted values are substituted).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from bot.stack.secrets import ACTIONS_TOKEN_ENV

#: Rasa's Redis lock store without its race between instances (bot/rasa_locks.py).
LOCK_STORE_TYPE = "bot.rasa_locks.AtomicRedisLockStore"
PG_PASSWORD_ENV = "PGPASSWORD"
REDIS_PASSWORD_ENV = "XIAODIAN_REDIS_PASSWORD"


@dataclass(frozen=True)
class SqliteTracker:
    """Conversations in a SQLite file (``make run``), so they survive a restart."""

    path: Path


@dataclass(frozen=True)
class PostgresTracker:
    """Conversations in a shared PostgreSQL database (``make run-scaled``)."""

    host: str
    port: int
    database: str
    username: str


@dataclass(frozen=True)
class RedisLocks:
    """Conversation locks shared by the instances."""

    host: str
    port: int
    db: int = 1


def _secret(variable: str) -> str:
    return f"${{{variable}}}"


def endpoints_text(action_url: str, tracker: Optional[SqliteTracker | PostgresTracker] = None,
                   locks: Optional[RedisLocks] = None) -> str:
    """The endpoints file for one Rasa instance; no tracker: conversations in memory (benchmarks)."""
    data: dict = {"action_endpoint": {"url": action_url,
                                      "headers": {"Authorization": f"Bearer {_secret(ACTIONS_TOKEN_ENV)}"}}}
    if isinstance(tracker, SqliteTracker):
        data["tracker_store"] = {"type": "SQL", "dialect": "sqlite", "db": str(tracker.path)}
    elif isinstance(tracker, PostgresTracker):
        data["tracker_store"] = {"type": "SQL", "dialect": "postgresql", "url": tracker.host, "port": tracker.port,
                                 "db": tracker.database, "username": tracker.username,
                                 "password": _secret(PG_PASSWORD_ENV)}
    if locks is not None:
        data["lock_store"] = {"type": LOCK_STORE_TYPE, "url": locks.host, "port": locks.port, "db": locks.db,
                              "password": _secret(REDIS_PASSWORD_ENV)}
    header = ("# Written by bot.stack at each start; secrets are ${VARIABLES} from the instance's environment.\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_style=None)


def write_endpoints(path: Path, action_url: str, tracker: Optional[SqliteTracker | PostgresTracker] = None,
                    locks: Optional[RedisLocks] = None) -> Path:
    """Writes the endpoints file (0600) and returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(endpoints_text(action_url, tracker, locks), encoding="utf-8")
    path.chmod(0o600)
    return path

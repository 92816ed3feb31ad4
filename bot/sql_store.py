"""What every store over SQL shares: the URL rule, the engine (SQLite tuned for several readers and one
writer), UTC times, sessions, schema and transactions. The order, ticket, chat-log and session stores are
built on ``SqlStore``; each keeps its own tables and nothing else.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

#: Overrides the default database, e.g. ``postgresql://user:pw@host/xiaodian``.
DATABASE_URL_ENV = "DATABASE_URL"
#: The repository root, found from this file (bot/sql_store.py), never from the current directory.
REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DB_FILE = REPO_DIR / "var" / "orders.sqlite"


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as naive UTC, so SQLite and PostgreSQL read back the same."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware time")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def default_url() -> str:
    """``DATABASE_URL`` if set, else the SQLite file var/orders.sqlite in the repository."""
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{DEFAULT_DB_FILE}"


def engine_for(url: str) -> Engine:
    """An engine for a store URL (SQLite folders created, ``postgres://`` accepted)."""
    # Hosting services hand out postgres://, which SQLAlchemy 1.4 no longer accepts.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    engine = create_engine(url, future=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    # Write-ahead log: readers (the action server) never wait for the writer (the web service), and a commit
    # is one append instead of a journal rewrite, which is what several small writes per message cost.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SqlStore:
    """What every store over SQL shares: the URL rule, the engine, sessions, schema and transactions.

    Subclasses set ``metadata`` to their own tables' MetaData.

    Args:
        url: a SQLAlchemy URL (``sqlite:///path``, ``postgresql://...``); default: the environment
            variable ``DATABASE_URL``, else the SQLite file ``var/orders.sqlite`` in the repository.
    """

    metadata: MetaData

    def __init__(self, url: Optional[str] = None):
        self.url = url or default_url()
        self.engine = engine_for(self.url)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    def create_schema(self) -> None:
        """Create this store's tables that do not exist yet (safe to call on every start)."""
        self.metadata.create_all(self.engine)

    def drop_schema(self) -> None:
        """Drop this store's tables (tests and resets only)."""
        self.metadata.drop_all(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

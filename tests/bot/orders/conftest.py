"""Fixtures for the order tests: a fresh store per test on SQLite, and on PostgreSQL when installed."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Iterator, List, Optional, Type, TypeVar
from zoneinfo import ZoneInfo

import pytest

from bot.orders.seed import DEMO_BUYER, demo_order_id, seed_demo_orders
from bot.orders.store import OrderStore
from bot.sql_store import SqlStore
from bot.shop import Shop, load_shop

SqlStoreT = TypeVar("SqlStoreT", bound=SqlStore)

#: A Wednesday, before the 16:00 cut-off: the paid demo order ships today.
NOW = datetime(2026, 3, 11, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="session")
def shop() -> Shop:
    return load_shop()


def _run(cmd: List[str], user: Optional[str]) -> subprocess.CompletedProcess:
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _unprivileged_user() -> Optional[str]:
    # PostgreSQL refuses to run as root: run the throwaway cluster as its own user, else nobody.
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl, unix socket in a temp dir) and its test database."""
    missing = [tool for tool in ("initdb", "pg_ctl") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PostgreSQL not installed ({', '.join(missing)} not on PATH)")
    user = None
    if os.geteuid() == 0:
        user = _unprivileged_user()
        if user is None or shutil.which("runuser") is None:
            pytest.skip("running as root, and no unprivileged user/runuser to start PostgreSQL with")
    folder = Path(tempfile.mkdtemp(prefix="xiaodian-pg-"))
    if user:
        shutil.chown(folder, user=user)
    data, port = folder / "data", _free_port()
    started = False
    try:
        done = _run(
            [
                "initdb",
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "xiaodian",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            user,
        )
        if done.returncode != 0:
            pytest.skip(f"initdb failed: {done.stderr.strip()[:300]}")
        options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
        done = _run(
            ["pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"], user
        )
        if done.returncode != 0:
            pytest.skip(f"pg_ctl start failed: {done.stderr.strip()[:300]}")
        started = True
        from sqlalchemy import create_engine, text

        admin = create_engine(f"postgresql://xiaodian@/postgres?host={folder}&port={port}", future=True)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CREATE DATABASE orders_test"))
        admin.dispose()
        yield f"postgresql://xiaodian@/orders_test?host={folder}&port={port}"
    finally:
        if started:
            _run(["pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"], user)
        shutil.rmtree(folder, ignore_errors=True)


def empty_store(store_class: Type[SqlStoreT], request, tmp_path: Path) -> SqlStoreT:
    """A store of store_class with a fresh schema, on the database of the fixture's param (sqlite or
    postgresql, the throwaway cluster); the caller closes it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'orders.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    store = store_class(url)
    store.drop_schema()
    store.create_schema()
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Iterator[OrderStore]:
    """An empty order store with its schema, on each database."""
    store = empty_store(OrderStore, request, tmp_path)
    yield store
    store.close()


@pytest.fixture
def seeded(store, shop) -> OrderStore:
    """The store with the demo orders, timed from NOW."""
    seed_demo_orders(store, NOW, shop=shop)
    return store


def demo(store: OrderStore, key: str, buyer: str = DEMO_BUYER):
    """A demo order by its slot: unpaid, paid, packed, shipped, late, signed-3, signed-10, refund."""
    order = store.get_order(buyer, demo_order_id(buyer, key))
    assert order is not None, key
    return order

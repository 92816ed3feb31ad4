"""Fixtures for the order tests: a fresh store per test on SQLite, and on PostgreSQL when installed."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Iterator, Type, TypeVar

import pytest

from bot.orders.seed import DEMO_BUYER, demo_order_id, seed_demo_orders
from bot.orders.store import OrderStore
from bot.stack import stores
from bot.stack.processes import Service, free_port, terminate, wait_ready
from bot.sql_store import SqlStore
from tests.moments import STORE_NOW

SqlStoreT = TypeVar("SqlStoreT", bound=SqlStore)

#: A Wednesday, before the 16:00 cut-off: the paid demo order ships today.
NOW = STORE_NOW


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> Iterator[str]:
    """A throwaway PostgreSQL cluster (bot.stack.stores, as make run-scaled starts one: found off PATH too,
    run as its own user under root, password auth on loopback) and its ``shop`` database."""
    why = stores.missing()
    if why:
        pytest.fail(f"{why}: run `{stores.INSTALL_HINT}` (make test runs make setup-scaled first)")
    folder = Path(tempfile.mkdtemp(prefix="xiaodian-pg-"))
    cluster = stores.PostgresCluster(folder / "pg", free_port())
    cluster.initialise()
    server = Service("postgres", cluster.command(), dict(os.environ), cluster.accepts_connections,
                     folder / "postgres.log", popen=stores.as_user(stores.postgres_user()))
    patch = pytest.MonkeyPatch()
    try:
        server.start()
        wait_ready([server], time.perf_counter(), timeout_s=120)
        cluster.create_databases()
        # libpq reads the password from the environment: it is never part of the URL.
        patch.setenv("PGPASSWORD", cluster.password())
        yield cluster.url("shop")
    finally:
        patch.undo()
        terminate([server], signal.SIGINT)
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

"""The one accessor of the action server's stores: the order store (orders, returns, complaints)."""
from __future__ import annotations

import os
import threading
from typing import Optional

from bot.orders.store import OrderStore

_store: Optional[OrderStore] = None
_store_lock = threading.Lock()


def order_store() -> OrderStore:
    """The order store of this action server (DATABASE_URL, else the SQLite file), opened once; opened
    again when DATABASE_URL changes (tests point it at a store of their own)."""
    global _store
    with _store_lock:
        if _store is None or _store.url != (os.environ.get("DATABASE_URL") or _store.url):
            _store = OrderStore()
            _store.create_schema()
        return _store


def reset() -> None:
    """Forget the opened store (tests that switch databases)."""
    global _store
    with _store_lock:
        _store = None

"""The atomic Redis lock store: two Rasa instances asking for one conversation's lock at once never both get it."""

from __future__ import annotations

import multiprocessing
import shutil
import socket
import subprocess
import time
from typing import Iterator, List

import pytest

from rasa.core.lock_store import RedisLockStore

from bot.rasa_locks import AtomicRedisLockStore

ROUNDS = 500


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed (make setup-scaled)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait()


def _issue(kind: str, port: int, prefix: str, barrier, results) -> None:
    store = (AtomicRedisLockStore if kind == "atomic" else RedisLockStore)(host="127.0.0.1", port=port, db=1)
    numbers: List[int] = []
    for n in range(ROUNDS):
        barrier.wait()  # both instances ask for the same conversation's ticket at the same moment
        numbers.append(store.issue_ticket(f"{prefix}-{n}"))
    results.put(numbers)


def _same_tickets(kind: str, port: int) -> int:
    barrier, results = multiprocessing.Barrier(2), multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_issue, args=(kind, port, kind, barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    first, second = results.get(timeout=60), results.get(timeout=60)
    for worker in workers:
        worker.join()
    return sum(1 for a, b in zip(first, second) if a == b)


def test_rasas_own_redis_lock_store_gives_two_instances_the_same_ticket(redis_port):
    # The bug this module exists for: if this stops failing, Rasa fixed it and the module can go.
    assert _same_tickets("rasa", redis_port) > 0


def test_the_atomic_store_never_does(redis_port):
    assert _same_tickets("atomic", redis_port) == 0


async def test_the_lock_serves_tickets_in_order_and_cleans_up(redis_port):
    first = AtomicRedisLockStore(host="127.0.0.1", port=redis_port, db=1)
    second = AtomicRedisLockStore(host="127.0.0.1", port=redis_port, db=1)
    async with first.lock("c-1", wait_time_in_seconds=0.01):
        waiting = second.issue_ticket("c-1")
        assert first.get_lock("c-1").is_locked(waiting)  # the second instance waits its turn
    lock = second.get_lock("c-1")
    assert lock is not None and not lock.is_locked(waiting)
    second.cleanup("c-1", waiting)
    assert second.get_lock("c-1") is None


def test_it_is_built_from_the_endpoints_file_like_rasas_own(redis_port):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", type="bot.rasa_locks.AtomicRedisLockStore", port=redis_port, db=1)
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.issue_ticket("c-2") == 0

"""Rasa's Redis lock store, with every change to a conversation's ticket lock made in one Redis transaction.

Rasa 3.6's RedisLockStore reads a lock, changes it in Python and writes it back (GET, then SET). Two Rasa
instances given two messages of one conversation at the same moment both read "no lock", both issue ticket
1 and both go ahead: the two turns interleave and one is lost from the tracker store (the scaled benchmark
saw it in 2 of 80 double sends). Here each read-change-write is a WATCH/MULTI/EXEC transaction, retried when
another instance changed the lock in between. endpoints.yml takes the same keys as Rasa's ``redis`` type:

    lock_store:
      type: bot.rasa_locks.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6380
      db: 1
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket issuing, expiry and clean-up are atomic across Rasa instances.

    Args:
        endpoint_config: the ``lock_store`` section of endpoints.yml (how Rasa builds a custom lock store).
        **kwargs: RedisLockStore's own arguments (host, port, db...), for building it directly.
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], T]) -> T:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else self.create_lock(conversation_id)
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another instance changed this lock between our read and our write

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket for the conversation (atomically: no two instances get the same number)."""
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        """Drop the conversation's expired tickets."""
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Give the ticket back; the lock goes when no ticket is left (one transaction, so a ticket issued
        meanwhile is never deleted with it)."""
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

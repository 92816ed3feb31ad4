"""A registry of open WebSockets kept on the app, grouped by a key (buyer id, or one key for consoles)."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, DefaultDict, Set

from aiohttp import WSCloseCode, web

log = logging.getLogger(__name__)


class SocketRegistry:
    """Open sockets by key; ``close_all`` runs on shutdown so no handler is left waiting."""

    def __init__(self) -> None:
        self._sockets: DefaultDict[str, Set[web.WebSocketResponse]] = defaultdict(set)

    def add(self, key: str, ws: web.WebSocketResponse) -> None:
        self._sockets[key].add(ws)

    def discard(self, key: str, ws: web.WebSocketResponse) -> None:
        group = self._sockets.get(key)
        if group is not None:
            group.discard(ws)
            if not group:
                del self._sockets[key]

    def count(self, key: str) -> int:
        return len(self._sockets.get(key, ()))

    async def send(self, key: str, message: Any) -> int:
        """Send a JSON message to every socket under ``key``; returns how many got it."""
        sent = 0
        for ws in list(self._sockets.get(key, ())):
            if ws.closed:
                self.discard(key, ws)
                continue
            try:
                await ws.send_json(message)
                sent += 1
            except (ConnectionError, RuntimeError) as error:
                log.info("dropping a closed socket for %s: %r", key, error)
                self.discard(key, ws)
        return sent

    async def close_all(self) -> None:
        for group in list(self._sockets.values()):
            for ws in list(group):
                await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
        self._sockets.clear()

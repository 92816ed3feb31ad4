"""Serving a Sanic app (Rasa's and rasa_sdk's web framework) in the test's own event loop, on a free port."""

from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sanic import Sanic

# Several apps of one name (rasa_sdk's is always "rasa_sdk") in one test session.
Sanic.test_mode = True


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """Runs ``app`` on 127.0.0.1 until the block ends; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for connection in list(server.connections):
            connection.close_if_idle()
        server.close()
        await server.wait_closed()
        await asyncio.sleep(0.05)  # the closed connections' tasks finish before the test's loop closes

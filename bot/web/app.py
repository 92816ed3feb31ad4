"""The app factory: settings in, a ready aiohttp Application out (resources opened in cleanup_ctx)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import AsyncIterator, Awaitable, Callable, Optional

import aiohttp
from aiohttp import web

from bot.handoff.store import TicketStore
from bot.orders.store import OrderStore
from bot.shop import load_shop
from bot.shop.conversation import load_conversation
from bot.web import keys
from bot.web.agent_sessions import AgentSessions
from bot.web.agents import AgentDirectory
from bot.web.chat_log import ChatLog
from bot.web.delivery import recovery_ctx
from bot.web.rasa_client import RasaClient
from bot.web.rate_limits import RateLimiter
from bot.web.requests import json_error
from bot.web.routes import setup_routes
from bot.web.settings import Settings
from bot.web.signing import Signer
from bot.web.sockets import SocketRegistry
from bot.workbench.wording import load_workbench

log = logging.getLogger(__name__)

#: Tickets POSTed by the action server carry a transcript; nothing else needs more than a few KB.
MAX_BODY = 1024 * 1024
#: How the server must run (web.AppRunner / run_app arguments): request bodies are never inflated, so a
#: small compressed body cannot grow into gigabytes before the size limit applies (compressed bodies
#: are refused with 415 by bot.web.requests.read_json).
SERVER_KWARGS = {"auto_decompress": False}

#: Pages load only this site's own scripts, styles and sockets: no inline script, no CDN.
CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@web.middleware
async def errors_as_json(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Unexpected failures answer a JSON 500 saying so (and are logged with the route), never a traceback page."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - the last line of defence; every known bad input is a 4xx before this
        log.exception("unexpected error on %s %s", request.method, request.rel_url.path)
        return json_error(500, "internal error 系统出错了，请稍后再试")


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    if not response.prepared:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


async def ticket_store_ctx(app: web.Application) -> AsyncIterator[None]:
    store = TicketStore(app[keys.settings_key].ticket_store_url)
    store.create_schema()
    app[keys.store_key] = store
    # Opened once here, not per new buyer: the demo seeds a new shop-page buyer's orders into it.
    orders = OrderStore(store.url)
    orders.create_schema()
    app[keys.order_store_key] = orders
    # The buyers' chats and the agents' sessions live beside the tickets.
    chat_log, sessions = ChatLog(store.url), AgentSessions(store.url)
    chat_log.create_schema()
    sessions.create_schema()
    app[keys.chat_log_key], app[keys.sessions_key] = chat_log, sessions
    yield
    sessions.close()
    chat_log.close()
    orders.close()
    store.close()


async def rasa_client_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.settings_key]
    async with aiohttp.ClientSession() as session:
        app[keys.rasa_key] = RasaClient(session, settings.rasa_url, settings.rasa_jwt_secret,
                                        timeout=settings.rasa_timeout)
        yield


async def close_sockets(app: web.Application) -> None:
    # On shutdown, before cleanup: otherwise open widgets and consoles keep their handlers waiting.
    await app[keys.buyer_sockets_key].close_all()
    await app[keys.console_sockets_key].close_all()


def create_app(settings: Settings, *, clock: Optional[Callable[[], datetime]] = None) -> web.Application:
    """Build the web service.

    Args:
        settings: where Rasa, the ticket store, the agents file and the shop data are.
        clock: returns "now" (timezone-aware); tests pass a fixed one.

    Returns:
        The application; the ticket store and the Rasa client open when it starts.
    """
    app = web.Application(client_max_size=MAX_BODY, middlewares=[security_headers, errors_as_json])
    app[keys.settings_key] = settings
    app[keys.shop_key] = load_shop(settings.shop_dir)
    app[keys.conversation_key] = load_conversation(settings.shop_dir)
    app[keys.workbench_key] = load_workbench(settings.shop_dir)
    app[keys.agents_key] = AgentDirectory(settings.agents_file)
    app[keys.signer_key] = Signer(settings.secret)
    app[keys.clock_key] = clock or utc_now
    app[keys.buyer_sockets_key] = SocketRegistry()
    app[keys.console_sockets_key] = SocketRegistry()
    app[keys.limiter_key] = RateLimiter(settings.limits)
    app[keys.in_flight_key] = {}
    app.cleanup_ctx.append(ticket_store_ctx)
    app.cleanup_ctx.append(rasa_client_ctx)
    # After the stores and the Rasa client: it delivers messages that wait for the assistant.
    app.cleanup_ctx.append(recovery_ctx)
    app.on_shutdown.append(close_sockets)
    setup_routes(app)
    return app

"""Pushes to open sockets: agent replies to a buyer's widget, ticket changes to every console."""

from __future__ import annotations

from typing import Any, Dict

from aiohttp import web

from bot.web import keys


async def push_to_buyer(app: web.Application, buyer_id: str, message: Dict[str, Any]) -> int:
    """Send ``message`` to the buyer's open widgets; returns how many got it (0: not on the page)."""
    return await app[keys.buyer_sockets_key].send(buyer_id, message)


async def notify_consoles(app: web.Application, ticket_id: str, change: str) -> None:
    """Tell every console that a ticket changed, so it reloads the queue and the ticket on view."""
    await app[keys.console_sockets_key].send("console", {"type": "ticket", "id": ticket_id, "change": change})

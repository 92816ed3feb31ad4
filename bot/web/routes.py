"""Every URL of the web service, in one place."""

from __future__ import annotations

from aiohttp import web

from bot.web import buyer, console, tickets_api
from bot.web.pages import STATIC


def setup_routes(app: web.Application) -> None:
    """Register the shop page, buyer API and socket, console, ticket API and static files."""
    app.router.add_get("/", buyer.shop_page, name="shop")
    app.router.add_get("/product/{product_id}", buyer.shop_page, name="product")
    app.router.add_post("/api/buyer/messages", buyer.post_message, name="buyer_messages")
    app.router.add_get("/api/buyer/history", buyer.history, name="buyer_history")
    app.router.add_get("/ws/buyer", buyer.buyer_socket, name="buyer_socket")

    app.router.add_get("/console", console.console_page, name="console")
    app.router.add_post("/console/login", console.login, name="console_login")
    app.router.add_post("/console/logout", console.logout, name="console_logout")
    app.router.add_get("/ws/console", console.console_socket, name="console_socket")

    app.router.add_get("/api/tickets", tickets_api.list_tickets, name="tickets")
    app.router.add_post("/api/tickets", tickets_api.create_ticket, name="create_ticket")
    app.router.add_get("/api/tickets/{ticket_id}", tickets_api.get_ticket, name="ticket")
    app.router.add_post("/api/tickets/{ticket_id}/claim", tickets_api.claim, name="claim")
    app.router.add_post("/api/tickets/{ticket_id}/reply", tickets_api.reply, name="reply")
    app.router.add_post("/api/tickets/{ticket_id}/note", tickets_api.note, name="note")
    app.router.add_post("/api/tickets/{ticket_id}/resolve", tickets_api.resolve, name="resolve")

    app.router.add_static("/static/", STATIC, name="static")

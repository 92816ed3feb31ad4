"""Every URL of the web service, in one place."""

from __future__ import annotations

from aiohttp import web

from bot.web import buyer, console, report_page, tickets_api, trainer_inbox, workbench_api
from bot.web.pages import STATIC


def setup_routes(app: web.Application) -> None:
    """Register the shop page, buyer API and socket, console, ticket and workbench API, service report, trainer inbox
    and static files."""
    app.router.add_get("/", buyer.shop_page, name="shop")
    app.router.add_get("/product/{product_id}", buyer.shop_page, name="product")
    app.router.add_post("/api/buyer/session", buyer.start_session, name="buyer_session")
    app.router.add_post("/api/buyer/messages", buyer.post_message, name="buyer_messages")
    app.router.add_get("/api/buyer/history", buyer.history, name="buyer_history")
    app.router.add_get("/ws/buyer", buyer.buyer_socket, name="buyer_socket")
    app.router.add_post("/api/buyer/rating", buyer.rate, name="buyer_rating")

    app.router.add_get("/console", console.console_page, name="console")
    app.router.add_post("/console/login", console.login, name="console_login")
    app.router.add_post("/console/logout", console.logout, name="console_logout")
    app.router.add_get("/ws/console", console.console_socket, name="console_socket")

    app.router.add_get("/api/tickets", tickets_api.list_tickets, name="tickets")
    app.router.add_get("/api/tickets/{ticket_id}", tickets_api.get_ticket, name="ticket")
    app.router.add_post("/api/tickets/{ticket_id}/claim", tickets_api.claim, name="claim")
    app.router.add_post("/api/tickets/{ticket_id}/reply", tickets_api.reply, name="reply")
    app.router.add_post("/api/tickets/{ticket_id}/note", tickets_api.note, name="note")
    app.router.add_post("/api/tickets/{ticket_id}/resolve", tickets_api.resolve, name="resolve")

    app.router.add_get("/api/agents", workbench_api.list_agents, name="agents")
    app.router.add_get("/api/tickets/{ticket_id}/assist", workbench_api.assist, name="assist")
    app.router.add_get("/api/tickets/{ticket_id}/buyer", workbench_api.buyer, name="ticket_buyer")
    app.router.add_post("/api/tickets/{ticket_id}/transfer", workbench_api.transfer, name="transfer")
    app.router.add_post("/api/tickets/{ticket_id}/concessions", workbench_api.ask_concession, name="concessions")
    app.router.add_post("/api/tickets/{ticket_id}/concessions/{concession_id}/decision",
                        workbench_api.decide_concession, name="concession_decision")

    app.router.add_get("/report", report_page.report_page, name="report")
    app.router.add_get("/report.csv", report_page.report_csv, name="report_csv")
    app.router.add_get("/report.css", report_page.report_css, name="report_css")
    app.router.add_post("/api/report/inbox", report_page.send_to_inbox, name="report_inbox")

    app.router.add_get("/inbox", trainer_inbox.inbox_page, name="inbox")
    app.router.add_get("/api/inbox/next", trainer_inbox.next_item, name="inbox_next")
    app.router.add_post("/api/inbox/{row_id}/label", trainer_inbox.label, name="inbox_label")
    app.router.add_post("/api/inbox/{row_id}/undo", trainer_inbox.undo, name="inbox_undo")

    app.router.add_static("/static/", STATIC, name="static")

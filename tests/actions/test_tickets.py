"""A turn that gives a reason for a person posts the summarised ticket to the web service's ticket API."""
from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandOff
from actions.shipping import ActionAnswerShippingFee
from bot.handoff.ticket import Ticket
from tests.actions.conftest import signed, make_tracker

TOKEN = "test-token"


async def fake_ticket_api(received):
    async def create(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"error": "token"}, status=401)
        received.append(Ticket.parse_raw(await request.text()))
        return web.json_response({"ok": True}, status=201)

    app = web.Application()
    app.router.add_post("/api/tickets", create)
    server = TestServer(app)
    await server.start_server()
    return server


async def run_action(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


async def test_asking_for_a_person_posts_a_ticket_with_the_summary(monkeypatch):
    received = []
    server = await fake_ticket_api(received)
    monkeypatch.setenv("XIAODIAN_WEB_URL", str(server.make_url("/")))
    monkeypatch.setenv("XIAODIAN_ACTION_TOKEN", TOKEN)
    try:
        tracker = make_tracker("request_human", "转人工", metadata=signed("b-1"))
        messages, _ = await run_action(ActionHandOff(), tracker)
    finally:
        await server.close()
    assert len(received) == 1
    ticket = received[0]
    assert ticket.conversation_id == "buyer-test" and "request_human" in ticket.reasons
    assert ticket.summary and ticket.next_step
    assert any(line.text == messages[-1]["text"] for line in ticket.transcript)  # this turn's reply too


async def test_angry_words_alone_are_a_reason(monkeypatch):
    received = []
    server = await fake_ticket_api(received)
    monkeypatch.setenv("XIAODIAN_WEB_URL", str(server.make_url("/")))
    monkeypatch.setenv("XIAODIAN_ACTION_TOKEN", TOKEN)
    try:
        await run_action(ActionAnswerShippingFee(), make_tracker("ask_shipping_fee", "什么垃圾店 运费这么贵"))
    finally:
        await server.close()
    assert len(received) == 1 and "angry_words" in received[0].reasons


async def test_no_reason_posts_nothing(monkeypatch):
    received = []
    server = await fake_ticket_api(received)
    monkeypatch.setenv("XIAODIAN_WEB_URL", str(server.make_url("/")))
    try:
        await run_action(ActionAnswerShippingFee(), make_tracker("ask_shipping_fee", "包邮吗"))
    finally:
        await server.close()
    assert received == []


async def test_a_web_service_that_is_down_loses_nothing(monkeypatch):
    monkeypatch.setenv("XIAODIAN_WEB_URL", "http://127.0.0.1:9")  # nothing listens there
    messages, events = await run_action(ActionHandOff(), make_tracker("request_human", "转人工"))
    assert messages and any(e.get("name") == "handoff_reasons" and e["value"] for e in events)


async def test_the_ticket_says_the_state_of_the_order_talked_about(monkeypatch, tmp_path):
    from datetime import datetime

    import actions.orders
    from bot.orders.seed import DEMO_BUYER, demo_order_id, seed_demo_orders
    from bot.orders.store import OrderStore
    from tests.actions.conftest import FIXED_NOW

    url = f"sqlite:///{tmp_path / 'orders.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(actions.orders, "_store", None)
    seed_demo_orders(OrderStore(url), datetime.fromisoformat(FIXED_NOW))
    received = []
    server = await fake_ticket_api(received)
    monkeypatch.setenv("XIAODIAN_WEB_URL", str(server.make_url("/")))
    monkeypatch.setenv("XIAODIAN_ACTION_TOKEN", TOKEN)
    shipped = demo_order_id(DEMO_BUYER, "shipped")
    try:
        tracker = make_tracker("request_human", "转人工", metadata=signed(DEMO_BUYER),
                               slots={"order_id": shipped})
        tracker.events[-1]["metadata"] = signed(DEMO_BUYER)
        await run_action(ActionHandOff(), tracker)
    finally:
        await server.close()
    assert shipped in received[0].order_ids
    assert any("已发货" in line for line in received[0].summary), received[0].summary

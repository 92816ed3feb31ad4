"""A turn that gives a reason for a person attaches the summarised ticket to its reply, for the web service
(the one owner of tickets) to open; a turn without one attaches nothing."""
from __future__ import annotations

from datetime import datetime

from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.handoff import ActionHandOff
from actions.shipping import ActionAnswerShippingFee
from bot.handoff.ticket import REPLY_PAYLOAD_KEY, Ticket
from bot.orders.seed import DEMO_BUYER, demo_order_id, seed_demo_orders
from bot.orders.store import OrderStore
from tests.actions.conftest import FIXED_NOW, make_tracker, signed


async def run_action(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def attached_tickets(messages):
    return [Ticket.parse_obj(m["custom"][REPLY_PAYLOAD_KEY]) for m in messages
            if isinstance(m.get("custom"), dict) and REPLY_PAYLOAD_KEY in m["custom"]]


async def test_asking_for_a_person_attaches_a_ticket_with_the_summary():
    tracker = make_tracker("request_human", "转人工", metadata=signed("b-1"))
    messages, _ = await run_action(ActionHandOff(), tracker)
    (ticket,) = attached_tickets(messages)
    assert ticket.conversation_id == "buyer-test" and ticket.buyer_id == "b-1" and "request_human" in ticket.reasons
    assert ticket.summary and ticket.next_step
    texts = [m["text"] for m in messages if m.get("text")]
    assert any(line.text == texts[-1] for line in ticket.transcript)  # this turn's reply too
    # The reasons are shown to agents in words, never as internal strings.
    assert ticket.facts["handoff_reasons"] == ["买家要求转人工"]


async def test_angry_words_alone_are_a_reason():
    messages, _ = await run_action(ActionAnswerShippingFee(), make_tracker("ask_shipping_fee", "什么垃圾店 运费这么贵"))
    (ticket,) = attached_tickets(messages)
    assert "angry_words" in ticket.reasons


async def test_no_reason_attaches_nothing():
    messages, _ = await run_action(ActionAnswerShippingFee(), make_tracker("ask_shipping_fee", "包邮吗"))
    assert attached_tickets(messages) == [] and messages


async def test_the_reason_is_kept_as_data_in_the_slot():
    messages, events = await run_action(ActionHandOff(), make_tracker("request_human", "转人工"))
    slot = next(e["value"] for e in events if e.get("name") == "handoff_reasons")
    assert slot == [{"key": "request_human"}] and messages


async def test_the_ticket_says_the_state_of_the_order_talked_about(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    stores.reset()
    seed_demo_orders(OrderStore(url), datetime.fromisoformat(FIXED_NOW))
    shipped = demo_order_id(DEMO_BUYER, "shipped")
    tracker = make_tracker("request_human", "转人工", metadata=signed(DEMO_BUYER), slots={"order_id": shipped})
    tracker.events[-1]["metadata"] = signed(DEMO_BUYER)
    messages, _ = await run_action(ActionHandOff(), tracker)
    (ticket,) = attached_tickets(messages)
    assert shipped in ticket.order_ids
    assert any("已发货" in line for line in ticket.summary), ticket.summary

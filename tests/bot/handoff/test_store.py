"""The ticket store on SQLite and PostgreSQL: queue order, merging, claims, resolving, JSON round trip."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.handoff.store import TicketNotFound, TicketStateError, TicketTaken
from bot.handoff.reasons import from_slot
from bot.handoff.summary import build_ticket
from bot.handoff.ticket import Ticket, TranscriptLine
from tests.bot.handoff.conftest import NOW, chat


def _ticket(shop, conversation, reasons, minutes=0, text="转人工", intent="request_human", buyer="tb_a"):
    at = NOW + timedelta(minutes=minutes)
    events = chat(("buyer", text, intent, 0.9))
    return build_ticket(shop, events, conversation, buyer, at, from_slot(reasons), ticket_id=f"t-{conversation}")


def test_queue_urgent_first_then_oldest(store, shop):
    store.create(_ticket(shop, "old-normal", ["request_human"], minutes=0))
    store.create(_ticket(shop, "new-urgent", [{"key": "complain_quality", "priority": "high"}], minutes=5, text="开线了", intent="complain_quality"))
    store.create(_ticket(shop, "old-high", [{"key": "late_parcel", "detail": "催件"}], minutes=1))
    store.create(_ticket(shop, "older-urgent", [{"key": "refund", "detail": "退款被拒"}], minutes=2))
    done = store.create(_ticket(shop, "resolved", ["complain_service"], minutes=-10))
    store.claim(done.id, "小美", at=NOW)
    store.resolve(done.id, "小美", "已道歉", at=NOW)
    assert [t.conversation_id for t in store.queue()] == ["older-urgent", "new-urgent", "old-high", "old-normal"]
    assert sorted(store.queue(), key=lambda t: t.priority_rank) == store.queue()


def test_second_handoff_merges_into_the_open_ticket(store, shop):
    first = store.create(_ticket(shop, "c1", ["request_human"]))
    store.claim(first.id, "小美", at=NOW)
    # The tracker again, one message longer (the same events keep their timestamps).
    angry = chat(("buyer", "质量太垃圾了", "complain_quality", 0.7))[0]
    angry["timestamp"] += 60
    events = chat(("buyer", "转人工", "request_human", 0.9)) + [angry]
    later = build_ticket(shop, events, "c1", "tb_a", NOW + timedelta(minutes=3), from_slot(["request_human", {"key": "complain_quality", "priority": "high"}]), ticket_id="other")
    merged = store.create(later)
    assert merged.id == first.id and merged.status == "claimed" and merged.claimed_by == "小美"
    assert merged.reasons == ["request_human", "complain_quality", "angry_words"]
    assert merged.priority == "urgent"
    assert [line.text for line in merged.transcript] == ["转人工", "质量太垃圾了"]
    assert merged.summary == later.summary
    assert store.open_for_conversation("c1").id == first.id
    with pytest.raises(TicketNotFound):
        store.get("other")


def test_new_ticket_after_resolve(store, shop):
    first = store.create(_ticket(shop, "c1", ["request_human"]))
    store.claim(first.id, "小美", at=NOW)
    store.resolve(first.id, "小美", "已答复", at=NOW)
    assert store.open_for_conversation("c1") is None
    again = _ticket(shop, "c1", ["request_human"]).copy(update={"id": "t-c1-2"})
    assert store.create(again).id == "t-c1-2"
    assert [t.id for t in store.for_buyer("tb_a")] == ["t-c1", "t-c1-2"]  # same time: by id


def test_claim_conflicts(store, shop):
    ticket = store.create(_ticket(shop, "c1", ["request_human"]))
    assert store.claim(ticket.id, "小美", at=NOW).claimed_by == "小美"
    assert store.claim(ticket.id, "小美", at=NOW).status == "claimed"  # again: no harm
    with pytest.raises(TicketTaken) as taken:
        store.claim(ticket.id, "阿强", at=NOW)
    assert taken.value.claimed_by == "小美"
    assert store.claim(ticket.id, "阿强", at=NOW, take_over=True).claimed_by == "阿强"
    with pytest.raises(TicketNotFound):
        store.claim("nope", "小美", at=NOW)


def test_only_the_claimer_resolves(store, shop):
    ticket = store.create(_ticket(shop, "c1", ["complain_service"]))
    with pytest.raises(TicketStateError):
        store.resolve(ticket.id, "小美", "x", at=NOW)  # not claimed yet
    store.claim(ticket.id, "小美", at=NOW)
    with pytest.raises(TicketStateError):
        store.resolve(ticket.id, "阿强", "x", at=NOW)
    done = store.resolve(ticket.id, "小美", "补偿5元，已备注插旗", at=NOW + timedelta(minutes=9))
    assert done.status == "resolved" and done.outcome == "补偿5元，已备注插旗"
    assert done.updated_at == NOW + timedelta(minutes=9)
    with pytest.raises(TicketStateError):
        store.claim(ticket.id, "阿强", at=NOW)
    with pytest.raises(TicketStateError):
        store.add_line(ticket.id, TranscriptLine(at=NOW, sender="buyer", text="在吗"))


def test_lines_notes_and_json_round_trip(store, shop):
    events = chat(
        ("buyer", "165穿什么码", "ask_size", 0.93), ("slot", "height", 165.0),
        ("slot", "product", "jk-down-01"), ("bot", "亲，建议M码哦～"),
        ("buyer", "人工", "request_human", 0.97),
    )
    built = build_ticket(shop, events, "c9", "tb_z", NOW, from_slot(["request_human"]), ticket_id="t9")
    stored = store.create(built)
    assert stored == built
    assert Ticket.parse_raw(stored.json()) == stored
    assert Ticket.parse_obj(stored.dict()) == stored
    store.claim("t9", "小美", at=NOW)
    reply = TranscriptLine(at=NOW + timedelta(minutes=1), sender="agent", agent="小美", text="亲，M码合适的")
    with_line = store.add_line("t9", reply)
    assert with_line.transcript[-1] == reply
    noted = store.add_note("t9", "小美", "已推荐M码", at=NOW + timedelta(minutes=2))
    assert noted.notes[-1].text == "已推荐M码" and noted.notes[-1].agent == "小美"
    assert noted.updated_at == NOW + timedelta(minutes=2)
    assert Ticket.parse_raw(noted.json()) == store.get("t9")

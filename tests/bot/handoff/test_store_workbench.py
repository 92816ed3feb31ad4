"""The ticket store's workbench records on SQLite and PostgreSQL: who held a ticket, concessions and decisions,
the buyer's rating, bulk import, and the report's per-ticket figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.handoff.store import TicketStateError
from bot.handoff.ticket import Assignment, Concession, Rating, Ticket, TranscriptLine
from tests.bot.handoff.conftest import NOW


def _ticket(store, conversation="c1", minutes=0) -> Ticket:
    at = NOW + timedelta(minutes=minutes)
    return store.create(Ticket(id=f"t-{conversation}", conversation_id=conversation, buyer_id="tb_a",
                               reasons=["complain_quality"], priority="urgent", created_at=at, updated_at=at,
                               transcript=[TranscriptLine(at=at, sender="buyer", text="开线了")]))


def test_claims_take_overs_transfers_and_resolving_are_the_tickets_history(store):
    ticket = _ticket(store)
    store.claim(ticket.id, "alice", at=NOW + timedelta(minutes=1))
    store.claim(ticket.id, "alice", at=NOW + timedelta(minutes=2))  # again: nothing new happened
    store.claim(ticket.id, "bob", at=NOW + timedelta(minutes=3), take_over=True)
    moved = store.transfer(ticket.id, "bob", "carol", NOW + timedelta(minutes=4), note="她熟悉这款")
    assert (moved.status, moved.claimed_by) == ("claimed", "carol")
    back = store.transfer(ticket.id, "carol", None, NOW + timedelta(minutes=5))
    assert (back.status, back.claimed_by) == ("open", None)
    with pytest.raises(TicketStateError):
        store.transfer(ticket.id, "carol", None, NOW + timedelta(minutes=6))  # in the queue already
    store.claim(ticket.id, "alice", at=NOW + timedelta(minutes=7))
    with pytest.raises(TicketStateError):
        store.transfer(ticket.id, "alice", "alice", NOW + timedelta(minutes=8))  # holds it already
    done = store.resolve(ticket.id, "alice", "已换货", NOW + timedelta(minutes=9))
    assert [(c.kind, c.by, c.to) for c in done.history] == [
        ("claimed", "alice", "alice"), ("taken_over", "bob", "bob"), ("transferred", "bob", "carol"),
        ("released", "carol", None), ("claimed", "alice", "alice"), ("resolved", "alice", None)]
    assert done.history[2].note == "她熟悉这款"
    assert done.resolved_at == NOW + timedelta(minutes=9)
    with pytest.raises(TicketStateError):
        store.transfer(ticket.id, "alice", "bob", NOW + timedelta(minutes=10))  # resolved
    # The Ticket JSON carries it all, and reads back the same.
    assert Ticket.parse_raw(done.json()) == done


def test_a_concession_waits_for_a_decision_once(store):
    ticket = _ticket(store)
    asked = Concession(at=NOW, requested_by="alice", kind="compensation", amount=15.5, reason="开线，买家不想退")
    stored_ticket, stored = store.request_concession(ticket.id, asked)
    assert stored.id > 0 and stored.status == "pending" and stored.amount == 15.5
    assert store.concession(ticket.id, stored.id) == stored
    decided = store.decide_concession(ticket.id, stored.id, "boss", True, NOW + timedelta(minutes=1), "可以")
    final = decided.concessions[0]
    assert (final.status, final.decided_by, final.decision_note) == ("approved", "boss", "可以")
    assert final.decided_at == NOW + timedelta(minutes=1)
    with pytest.raises(TicketStateError):
        store.decide_concession(ticket.id, stored.id, "boss", False, NOW + timedelta(minutes=2))


def test_a_rating_is_given_once_and_only_to_a_resolved_ticket(store):
    ticket = _ticket(store)
    rating = Rating(score=4, comment="挺快的", at=NOW + timedelta(minutes=5))
    with pytest.raises(TicketStateError):
        store.rate(ticket.id, rating)
    store.claim(ticket.id, "alice", at=NOW)
    store.resolve(ticket.id, "alice", "已补发", NOW + timedelta(minutes=4))
    assert store.latest_resolved_for_conversation("c1").id == ticket.id
    assert store.rate(ticket.id, rating).rating == rating
    with pytest.raises(TicketStateError):
        store.rate(ticket.id, rating.copy(update={"score": 1}))


def test_figures_give_each_tickets_times_for_the_report(store):
    first = _ticket(store, "c1")
    store.claim(first.id, "alice", at=NOW + timedelta(seconds=30))
    store.add_line(first.id, TranscriptLine(at=NOW + timedelta(seconds=90), sender="agent", text="您好", agent="alice"))
    store.add_line(first.id, TranscriptLine(at=NOW + timedelta(seconds=200), sender="agent", text="已补发", agent="alice"))
    store.resolve(first.id, "alice", "补发", NOW + timedelta(minutes=10))
    store.rate(first.id, Rating(score=5, at=NOW + timedelta(minutes=11)))
    second = _ticket(store, "c2", minutes=60)
    _ticket(store, "c3", minutes=-60 * 24)  # the day before: outside the range
    rows = list(store.figures(NOW - timedelta(hours=1), NOW + timedelta(hours=2)))
    assert [r.id for r in rows] == [first.id, second.id]
    one, two = rows
    assert (one.first_agent_reply_at - one.created_at).total_seconds() == 90
    assert (one.resolved_at - one.created_at).total_seconds() == 600
    assert (one.agent, one.status, one.rating, one.reasons) == ("alice", "resolved", 5, ("complain_quality",))
    assert (two.first_agent_reply_at, two.resolved_at, two.agent, two.rating) == (None, None, None, None)


def test_import_stores_whole_tickets(store):
    at = NOW
    whole = Ticket(id="imp-1", conversation_id="c9", buyer_id="c9", reasons=["late_parcel"], priority="high",
                   status="resolved", claimed_by="bob", outcome="已催件", created_at=at, updated_at=at + timedelta(hours=1),
                   transcript=[TranscriptLine(at=at, sender="buyer", text="到哪了")],
                   history=[Assignment(at=at, kind="claimed", by="bob", to="bob"),
                            Assignment(at=at + timedelta(hours=1), kind="resolved", by="bob")],
                   concessions=[Concession(at=at, requested_by="bob", kind="discount", amount=5, reason="晚到",
                                           within_limit=True, status="approved", decided_by="bob", decided_at=at)],
                   rating=Rating(score=3, at=at + timedelta(hours=2)))
    assert store.import_tickets([whole]) == 1
    back = store.get("imp-1")
    assert back.copy(update={"concessions": []}) == whole.copy(update={"concessions": []})
    assert back.concessions[0].copy(update={"id": 0}) == whole.concessions[0]

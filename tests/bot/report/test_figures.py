"""The report's figures on a hand-made data set whose answers are worked out by hand (tests/bot/report/conftest.py),
on SQLite and PostgreSQL; and the events table read as Rasa's own tracker store writes it."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.handoff.store import TicketStore
from bot.report.figures import DateRange, build_report
from bot.report.tracker_events import TrackerUnavailable, open_tracker, user_turns
from tests.bot.report.conftest import at

DAYS = DateRange(date(2026, 11, 2), date(2026, 11, 3))


@pytest.fixture
def report(known_month, shop):
    store = TicketStore(known_month)
    try:
        yield build_report(shop.policy, DAYS, store, known_month, agent_names={"alice": "小美"})
    finally:
        store.close()


def test_conversations_messages_and_self_service(report):
    assert report.tracker_note is None
    # Conversations are (buyer, shop day): A, B, C on the 2nd; A again and D on the 3rd.
    assert (report.conversations, report.buyer_messages) == (5, 9)
    assert [(d.day.day, d.conversations, d.buyer_messages, d.handoffs) for d in report.days] == [(2, 3, 6, 1), (3, 2, 3, 2)]
    # B on the 2nd and A on the 3rd were handed to a person (t3's buyer has no conversation that day).
    assert report.self_service_rate == pytest.approx(1 - 2 / 5)
    assert [d.self_service_rate for d in report.days] == [pytest.approx(2 / 3), pytest.approx(1 / 2)]


def test_fallbacks_ask_backs_and_top_intents(report):
    assert (report.fallbacks, report.ask_backs) == (2, 2)
    assert report.fallback_rate == pytest.approx(2 / 9) and report.ask_back_rate == pytest.approx(2 / 9)
    assert [(c.key, c.count) for c in report.top_intents] == [
        ("bargain", 2), ("nlu_fallback", 2), ("ask_shipping_fee", 1), ("ask_size", 1), ("greet", 1),
        ("request_human", 1), ("track_order", 1)]
    assert report.top_intents[0].words == "议价" and report.top_intents[0].share == pytest.approx(2 / 9)
    # The same message written two ways counts once, twice, shown as first written.
    (only,) = report.not_understood
    assert (only.words, only.count, only.share) == ("那个那个", 2, 1.0)


def test_handoffs_by_reason_in_the_policys_words(report, shop):
    assert report.handoffs == 3
    labels = shop.policy.handoff.reasons
    assert [(c.key, c.words, c.count) for c in report.handoff_reasons] == [
        (key, labels[key].label, 1) for key in ("angry_words", "bargain_insists", "late_parcel", "request_human")]
    assert report.handoff_reasons[0].share == pytest.approx(1 / 3)


def test_agents_times_tickets_and_ratings(report):
    # First replies 60, 180 and 30 s; resolutions 600 and 1200 s (numpy's linear percentiles).
    assert (report.first_response.n, report.first_response.p50, report.first_response.p90) == (3, 60, pytest.approx(156))
    assert (report.resolution.n, report.resolution.p50, report.resolution.p90) == (2, 900, pytest.approx(1140))
    alice, bob = report.agents
    assert (alice.agent, alice.display_name, alice.tickets, alice.resolved) == ("alice", "小美", 2, 2)
    assert (alice.first_response.p50, alice.first_response.p90) == (120, pytest.approx(168))
    assert (alice.resolution.p50, alice.ratings, alice.rating_average) == (900, 2, 4.0)
    assert (bob.agent, bob.display_name, bob.tickets, bob.resolved, bob.first_response.p50) == ("bob", "bob", 1, 0, 30)
    assert (bob.resolution.n, bob.rating_average) == (0, None)
    assert (report.ratings, report.rating_average) == (2, 4.0)
    assert report.rating_counts == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}


def test_without_the_tracker_store_the_tickets_figures_remain(known_month, shop, tmp_path):
    store = TicketStore(known_month)
    try:
        report = build_report(shop.policy, DAYS, store, f"sqlite:///{tmp_path / 'none.db'}")
    finally:
        store.close()
    assert "no tracker store" in report.tracker_note
    assert (report.conversations, report.buyer_messages, report.self_service_rate, report.fallback_rate) == (None,) * 4
    assert report.handoffs == 3 and report.rating_average == 4.0
    assert not (tmp_path / "none.db").exists()  # read-only: never creates the file Rasa keeps


def test_an_empty_range_is_zeros_not_errors(known_month, shop):
    store = TicketStore(known_month)
    try:
        report = build_report(shop.policy, DateRange(date(2026, 12, 1), date(2026, 12, 1)), store, known_month)
    finally:
        store.close()
    assert (report.conversations, report.buyer_messages, report.handoffs, report.self_service_rate) == (0, 0, 0, None)
    assert report.first_response.p50 is None and report.rating_average is None


def test_a_range_is_checked():
    with pytest.raises(ValueError):
        DateRange(date(2026, 11, 3), date(2026, 11, 2))
    with pytest.raises(ValueError):
        DateRange(date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(TrackerUnavailable):
        open_tracker(None)


def test_the_report_reads_what_rasas_own_tracker_store_writes(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    path = tmp_path / "tracker.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(path))
    stamp = at(2, 10, 0).timestamp()
    tracker = DialogueStateTracker.from_events("buyer-r", [
        ActionExecuted("action_listen", timestamp=stamp - 1),
        UserUttered("那个那个", intent={"name": "nlu_fallback", "confidence": 0.2}, timestamp=stamp,
                    parse_data={"intent": {"name": "nlu_fallback", "confidence": 0.2}, "entities": [], "text": "那个那个"}),
        ActionExecuted("action_clarify", timestamp=stamp + 1),
        BotUttered("亲，不太明白您的意思呢", timestamp=stamp + 2),
    ])
    asyncio.run(store.save(tracker))
    store.engine.dispose()
    from bot.report import tracker_events

    engine = open_tracker(f"sqlite:///{path}")
    try:
        turns = list(user_turns(engine, stamp - 10, stamp + 10))
        assert [(t.sender_id, t.intent, t.timestamp) for t in turns] == [("buyer-r", "nlu_fallback", stamp)]
        assert tracker_events.ask_backs(engine, stamp - 10, stamp + 10) == [stamp + 1]
        assert list(tracker_events.not_understood_texts(engine, stamp - 10, stamp + 10)) == ["那个那个"]
    finally:
        engine.dispose()


def test_buyers_words_in_the_report_are_escaped(known_month, shop):
    from bot.report.make import make_report
    from tests.bot.report.conftest import add_events, user

    add_events(known_month, [user("buyer-z", at(3, 12, 0), "nlu_fallback", '<img src=x onerror="alert(1)">这个咋弄')] * 3)
    store = TicketStore(known_month)
    try:
        made = make_report(shop.policy, DAYS, store, known_month, standalone=True)
    finally:
        store.close()
    assert made.report.not_understood[0].count == 3
    assert "<img src=x" not in made.html and "onerror=\"alert" not in made.html

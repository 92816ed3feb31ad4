"""The queue as agents work it (waiting times, filters, search) and how the workbench names reasons and buyers."""

from __future__ import annotations

from datetime import timedelta

from bot.workbench.queue import QueueFilter, filtered, ticket_view, waiting_since
from bot.workbench.words import buyer_name, reason_words
from tests.bot.workbench.conftest import NOW, line, make_ticket


def test_reasons_are_shown_in_the_policys_words(shop):
    labels = reason_words(shop.policy, ["complain_quality", "late_parcel"])
    assert labels == [shop.policy.handoff.reasons["complain_quality"].label, shop.policy.handoff.reasons["late_parcel"].label]
    assert reason_words(shop.policy, ["something_new"]) == ["something_new"]


def test_buyers_get_a_name_an_agent_can_read():
    assert buyer_name("b-3f9a2c" + "0" * 26) == "买家3f9a2c"
    assert buyer_name("tb_小雨2020") == "tb_小雨2020"  # a platform's buyer id is the nick
    assert buyer_name("a" * 40).endswith("…") and len(buyer_name("a" * 40)) == 16
    assert buyer_name(None) == "买家（未登录）"


def test_a_buyer_waits_from_their_last_message_until_an_agent_answers():
    assert waiting_since(make_ticket([], transcript=[line("bot", 9), line("buyer", 8), line("buyer", 5)])) == NOW - timedelta(minutes=5)
    assert waiting_since(make_ticket([], transcript=[line("buyer", 8), line("agent", 4)])) is None
    assert waiting_since(make_ticket([], transcript=[line("buyer", 8), line("agent", 4), line("buyer", 1)])) == NOW - timedelta(minutes=1)
    no_buyer_line = make_ticket([], transcript=[line("bot", 9)])
    assert waiting_since(no_buyer_line) == no_buyer_line.created_at


def test_waiting_past_the_policys_threshold_is_highlighted(shop):
    threshold = shop.policy.console.wait_warning_minutes
    short = ticket_view(shop.policy, make_ticket([], transcript=[line("buyer", threshold - 0.5)]), NOW)
    long = ticket_view(shop.policy, make_ticket([], transcript=[line("buyer", threshold + 0.5)]), NOW)
    assert (short["waiting_too_long"], long["waiting_too_long"]) == (False, True)
    assert long["waiting_s"] == (threshold + 0.5) * 60
    answered = ticket_view(shop.policy, make_ticket(["late_parcel"], transcript=[line("buyer", 30), line("agent", 29)]), NOW)
    assert answered["waiting_since"] is None and answered["waiting_too_long"] is False
    assert answered["reason_words"] == reason_words(shop.policy, ["late_parcel"])


def test_filters_and_search():
    urgent = make_ticket(["complain_quality"], id="t-1", priority="urgent", status="claimed", claimed_by="alice",
                         order_ids=["312345678901234567"], transcript=[line("buyer", 3, "袖子开线了")])
    mine_high = make_ticket(["late_parcel"], id="t-2", priority="high", status="claimed", claimed_by="bob",
                            buyer_id="b-" + "ab" * 16)
    open_normal = make_ticket(["request_human"], id="t-3", summary=["买家要人工"])
    queue = [urgent, mine_high, open_normal]

    def ids(**wanted):
        return [t.id for t in filtered(queue, QueueFilter(**wanted), "bob")]

    assert ids() == ["t-1", "t-2", "t-3"]
    assert ids(priority="urgent") == ["t-1"]
    assert ids(reason="late_parcel") == ["t-2"]
    assert ids(mine=True) == ["t-2"]
    assert ids(unclaimed=True) == ["t-3"]
    assert ids(query="开线") == ["t-1"]
    assert ids(query="4567") == ["t-1"]  # an order number's last digits
    assert ids(query="买家abab") == ["t-2"]  # the buyer's readable name
    assert ids(query="人工 买家") == ["t-3"]  # every word must be found
    assert ids(query="退款") == []

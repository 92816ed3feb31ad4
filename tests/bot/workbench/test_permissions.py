"""Who may do what: the roles' rights over tickets and concessions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.handoff.ticket import Concession
from bot.workbench import permissions
from tests.bot.workbench.conftest import NOW, make_ticket


@dataclass
class Person:
    name: str
    is_supervisor: bool = False


ALICE, BOB, BOSS, CHIEF = Person("alice"), Person("bob"), Person("boss", True), Person("chief", True)


def test_the_holder_or_a_supervisor_transfers_and_asks():
    held = make_ticket([], status="claimed", claimed_by="alice")
    for rule in (permissions.can_transfer, permissions.can_ask_concession):
        assert rule(ALICE, held) and rule(BOSS, held) and not rule(BOB, held)
        assert not rule(ALICE, make_ticket([])) and rule(BOSS, make_ticket([]))  # in the queue: supervisors assign
        assert not rule(BOSS, make_ticket([], status="resolved", claimed_by="alice"))


def test_a_resolved_ticket_is_its_resolvers_and_the_supervisors():
    done = make_ticket([], status="resolved", claimed_by="alice")
    assert permissions.can_view(ALICE, done) and permissions.can_view(BOSS, done) and not permissions.can_view(BOB, done)
    assert permissions.can_view(BOB, make_ticket([], status="claimed", claimed_by="alice"))


def test_limits_come_from_the_policy_and_supervisors_have_none(shop):
    pricing = shop.policy.pricing
    assert permissions.concession_limit(shop.policy, ALICE, "discount") == pricing.agent_discount_max
    assert permissions.concession_limit(shop.policy, ALICE, "compensation") == pricing.compensation_max
    assert permissions.concession_limit(shop.policy, BOSS, "discount") is None
    assert permissions.within_limit(shop.policy, ALICE, "discount", pricing.agent_discount_max)
    assert not permissions.within_limit(shop.policy, ALICE, "discount", pricing.agent_discount_max + 0.01)
    assert permissions.within_limit(shop.policy, BOSS, "compensation", 10_000)
    with pytest.raises(ValueError):
        permissions.concession_limit(shop.policy, ALICE, "free_gift")


def test_only_another_supervisor_decides_and_only_once():
    asked = Concession(at=NOW, requested_by="boss", kind="discount", amount=50, reason="老客户")
    assert permissions.why_not_decide(ALICE, asked)
    assert "own" in permissions.why_not_decide(BOSS, asked)
    assert permissions.why_not_decide(CHIEF, asked) is None
    assert "already" in permissions.why_not_decide(CHIEF, asked.copy(update={"status": "approved"}))

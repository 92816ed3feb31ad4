"""When a chat goes to a person: reason keys, angry words, priorities, disabled reasons, next steps."""

from __future__ import annotations

import pytest
import yaml

from bot.handoff.reasons import HandoffReason, as_slot, from_slot
from bot.handoff.triggers import HANDOFF_REASONS, decide_handoff, is_angry
from bot.orders.wording import HandOff, complaint_reason
from bot.shop.pricing import BargainDecision
from bot.shop.data_files import DEFAULT_SHOP_DIR
from bot.shop.errors import ShopDataError


def R(key, detail=None, priority=None):
    return HandoffReason(key=key, detail=detail, priority=priority)


def _bargain(reason):
    return BargainDecision(hand_off=True, reason=reason, text="").hand_off_reason


@pytest.mark.parametrize(
    "reason, key",
    [
        # What each answer of the shop's core hands off with: the key, and the detail in agents' words.
        (HandoffReason(key="complain_quality", priority="high"), "complain_quality"),
        (complaint_reason("damaged"), "complain_quality"),
        (complaint_reason("wrong_item"), "complain_quality"),
        (complaint_reason("no_such_kind"), "complain_quality"),
        (_bargain("repeated_bargain"), "bargain_insists"),
        (_bargain("prices_negotiable"), "bargain_insists"),
        (_bargain("over_agent_limit"), "bargain_over_limit"),
        (HandOff.LATE, "late_parcel"),
        (HandOff.DISPATCH_LATE, "late_parcel"),
        (HandOff.REDIRECT, "order_change_refused"),
        (HandOff.INTERCEPT, "order_change_refused"),
        (HandOff.REFUND_REJECTED, "refund"),
        (HandOff.REFUND_LATE, "refund"),
        (HandOff.QUALITY_LATE, "complain_quality"),
        # As the slot holds them (dicts), and what older conversations held (bare keys).
        ({"key": "unknown_fact", "detail": "女款连帽白鸭绒羽绒服：充绒量"}, "unknown_fact"),
        ({"key": "size_unknown", "detail": "out_of_range"}, "size_unknown"),
        ({"key": "size_unknown", "detail": "far_apart"}, "size_unknown"),
        # Anything unreadable still reaches a person.
        ("something_new: whatever", "request_human"),
        ({"key": "no_such_reason"}, "request_human"),
        ({"detail": "no key"}, "request_human"),
        (42, "request_human"),
        (["a", "list"], "request_human"),
        *((key, key) for key in HANDOFF_REASONS),
    ],
)
def test_every_reason_is_typed_data_with_its_key(reason, key):
    (read,) = from_slot([reason])
    assert read.key == key
    assert from_slot(as_slot([read])) == [read]  # as the slot stores it, and back


def test_a_reason_reads_in_the_agents_words(shop):
    labels = {k: r.label for k, r in shop.policy.handoff.reasons.items()}
    assert HandOff.LATE.words(labels) == f"{labels['late_parcel']}（催件）"
    assert HandoffReason(key="request_human").words(labels) == labels["request_human"]
    with pytest.raises(ValueError):
        HandoffReason(key="made_up")


@pytest.mark.parametrize(
    "text, angry",
    [
        ("你们就是骗子", True),
        ("什么垃圾质量", True),
        ("再不发货我就给差评", True),
        ("我要打 12315 投诉", True),
        ("我要投诉你们", True),
        ("放心不会给差评的", False),
        ("这件衣服能便宜点吗", False),
        ("", False),
    ],
)
def test_is_angry(shop, text, angry):
    assert is_angry(shop.policy, text) is angry


@pytest.mark.parametrize(
    "reasons, text, keys, priority",
    [
        ([], "你好", None, None),
        ([R("request_human")], "转人工", ("request_human",), "normal"),
        ([_bargain("over_agent_limit")], "便宜50吧", ("bargain_over_limit",), "normal"),
        ([HandOff.LATE], "怎么还没到", ("late_parcel",), "high"),
        ([R("complain_service")], "态度太差", ("complain_service",), "high"),
        # urgent first, whatever the order they arose in
        ([R("request_human"), R("complain_quality", priority="high")], "衣服开线了",
         ("complain_quality", "request_human"), "urgent"),
        ([HandOff.REFUND_REJECTED], "为什么拒绝退款", ("refund",), "urgent"),
        ([], "你们这是骗人", ("angry_words",), "urgent"),
        ([R("size_unknown", "out_of_range"), R("request_human")], "垃圾客服",
         ("angry_words", "size_unknown", "request_human"), "urgent"),
        # the same key with two details counts once
        ([_bargain("repeated_bargain"), _bargain("prices_negotiable")], None, ("bargain_insists",), "normal"),
    ],
)
def test_decide_handoff(shop, reasons, text, keys, priority):
    decision = decide_handoff(shop.policy, reasons, text)
    if keys is None:
        assert decision is None
        return
    assert decision.reasons == keys
    assert decision.priority == priority
    assert len(decision.next_steps) == len(keys)


def test_next_steps_use_the_agents_limits(shop):
    pricing = shop.policy.pricing
    quality = decide_handoff(shop.policy, [R("complain_quality", priority="high")])
    assert f"{pricing.compensation_max:g}元以内" in quality.next_step and "主管" in quality.next_step
    bargain = decide_handoff(shop.policy, [_bargain("over_agent_limit")])
    assert f"{pricing.agent_discount_max:g}元" in bargain.next_step and "{" not in bargain.next_step


def _policy_with(shop_copy, change):
    shop_copy.edit_yaml("policy.yml", lambda data: change(data["handoff"]))
    return shop_copy.load().policy



def test_disabled_reason_hands_nothing_off(shop_copy):
    policy = _policy_with(shop_copy, lambda h: h["reasons"]["bargain_insists"].update(enabled=False))
    assert decide_handoff(policy, [_bargain("repeated_bargain")], "便宜点") is None
    assert decide_handoff(policy, [_bargain("repeated_bargain"), R("request_human")]).reasons == ("request_human",)


def test_priority_and_words_come_from_the_policy(shop_copy):
    def change(h):
        h["reasons"]["request_human"]["priority"] = "high"
        h["angry_words"].append("退钱")

    policy = _policy_with(shop_copy, change)
    assert decide_handoff(policy, [R("request_human")]).priority == "high"
    assert decide_handoff(policy, [], "快退钱").reasons == ("angry_words",)


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda h: h["reasons"].pop("refund"), "handoff.reasons"),
        (lambda h: h["reasons"].update(vip={"priority": "high", "label": "x", "next_step": "y"}), "handoff.reasons"),
        (lambda h: h["reasons"]["refund"].update(priority="asap"), "handoff.reasons.refund.priority"),
        (lambda h: h["reasons"]["refund"].update(next_step="补偿{max}元"), "handoff.reasons.refund.next_step"),
        (lambda h: h["reasons"]["refund"].update(colour="red"), "handoff.reasons.refund.colour"),
        (lambda h: h.update(angry_words=["垃圾", "垃圾"]), "handoff.angry_words"),
    ],
)
def test_policy_errors_name_file_and_field(shop_copy, change, field):
    shop_copy.edit_yaml("policy.yml", lambda data: change(data["handoff"]))
    with pytest.raises(ShopDataError) as error:
        shop_copy.load()
    assert "policy.yml" in str(error.value) and field in str(error.value)


def test_every_intent_has_words():
    domain = yaml.safe_load((DEFAULT_SHOP_DIR.parents[1] / "domain.yml").read_text(encoding="utf-8"))
    policy = yaml.safe_load((DEFAULT_SHOP_DIR / "policy.yml").read_text(encoding="utf-8"))
    assert set(domain["intents"]) <= set(policy["handoff"]["intent_words"])

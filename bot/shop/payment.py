"""Payment answers: 花呗, 花呗分期, paying for someone (代付), credit cards, no cash on delivery."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from bot.shop.fields import yuan
from bot.shop.replies import Answer, join_lines

if TYPE_CHECKING:
    from bot.shop.loading import Shop

LIST_SEPARATOR = "、"
TIP_SEPARATOR = "；"
PERIOD_SEPARATOR = "/"

#: 免息吗 / 要手续费吗 / 有利息吗: the charge, not whether an amount can be split (能分期吗, 分几期).
_ASKS_INTEREST = re.compile(r"免息|手续费|利息")
_ASKS_SPLITTING = re.compile(r"能分|可以分|分几|几期|多少期|能不能分")

#: Topics in the order they are tried: a failure or COD question may mention 花呗 too, and
#: "花呗分期" is about instalments, not 花呗 itself.
TOPICS = ("failure", "cash_on_delivery", "instalments", "proxy_pay", "huabei", "credit_card")


def payment_topic(shop: "Shop", text_hint: Optional[str]) -> str:
    """Which payment question a message asks, from ``payment.keywords`` in the policy.

    Args:
        shop: the loaded shop.
        text_hint: the buyer's message, or a topic name itself (``proxy_pay``).

    Returns:
        One of TOPICS, or ``overview``.
    """
    if text_hint:
        if text_hint in TOPICS:
            return text_hint
        words = shop.policy.payment.keywords
        for topic in TOPICS:
            if any(word in text_hint for word in getattr(words, topic)):
                return topic
    return "overview"


def answer_payment(
    shop: "Shop",
    text_hint: Optional[str] = None,
    amount: Optional[float] = None,
    periods: Optional[int] = None,
    sale: bool = False,
    how: bool = False,
    words: Optional[str] = None,
) -> Answer:
    """How to pay: an overview, or the specific question the message asks.

    Args:
        shop: the loaded shop.
        text_hint: the buyer's message or a topic name, if any.
        amount: for instalments: the amount to pay (a price, an order), to say whether it can be split.
        periods: for instalments: the number of periods asked about (分12期有手续费吗).
        sale: the buyer asks about a big sale's time (双十二的时候也能用信用卡吗).
        how: the buyer asks where and how to do it (在哪里操作).
        words: the buyer's message, when ``text_hint`` is a topic name (那银行卡呢 is every card, not 信用卡 alone).

    Returns:
        The reply; facts hold ``topic`` and the policy's answer to it (``allowed``).
    """
    rules, replies = shop.policy.payment, shop.replies
    instalments = rules.instalments
    values = {
        "methods": LIST_SEPARATOR.join(rules.methods),
        "min_amount": yuan(instalments.min_amount),
        "periods": PERIOD_SEPARATOR.join(str(p) for p in instalments.periods),
        "free_periods": PERIOD_SEPARATOR.join(str(p) for p in instalments.interest_free_periods),
        "steps": rules.proxy_pay_steps,
        "note": rules.credit_card_note or "",
        "tips": TIP_SEPARATOR.join(rules.failure_tips),
    }
    topic = payment_topic(shop, text_hint)
    said = words or text_hint or ""
    allowed: Optional[bool]
    if (topic == "instalments" and rules.huabei and instalments.available and not periods
            and _ASKS_INTEREST.search(said) and not _ASKS_SPLITTING.search(said)):
        return _interest_free(shop, values)
    if topic == "instalments" and rules.huabei and instalments.available and (amount is not None or periods):
        return _instalments_for(shop, values, amount, periods)
    if topic == "proxy_pay" and how and rules.proxy_pay:
        return Answer(text=replies.render("payment.proxy_pay_how", **values), facts={"topic": topic, "allowed": True})
    cards = [method for method in rules.methods if method.endswith("卡")]
    if topic == "credit_card" and not sale and len(cards) > 1 and any(
            word in said for word in ("银行卡", "储蓄卡", "借记卡")):
        # 那银行卡呢: every kind of card the shop takes, not the credit card alone.
        text = replies.render("payment.bank_cards", cards=LIST_SEPARATOR.join(cards), **values)
        return Answer(text=text, facts={"topic": topic, "allowed": True})
    if topic == "credit_card" and sale and rules.credit_card and rules.credit_card_note:
        text = replies.render("payment.credit_card_sale", **values)
        return Answer(text=text, facts={"topic": topic, "allowed": True})
    if topic == "failure":
        allowed, key = None, "payment.failure"
    elif topic == "cash_on_delivery":
        allowed = rules.cash_on_delivery
        key = "payment.cash_on_delivery" if allowed else "payment.no_cash_on_delivery"
    elif topic == "instalments":
        allowed = rules.huabei and instalments.available
        if not allowed:
            key = "payment.instalments_no"
        elif instalments.interest_free_periods:
            key = "payment.instalments_interest_free"
        else:
            key = "payment.instalments"
    elif topic == "proxy_pay":
        allowed = rules.proxy_pay
        key = "payment.proxy_pay" if allowed else "payment.proxy_pay_no"
    elif topic == "huabei":
        allowed = rules.huabei
        key = "payment.huabei" if allowed else "payment.huabei_no"
        if allowed and instalments.available:
            # 花呗 questions usually lead to 分期 next; answering both saves a round trip.
            text = join_lines(replies.render(key, **values), _instalment_line(shop, values))
            return Answer(text=text, facts={"topic": topic, "allowed": True})
    elif topic == "credit_card":
        allowed = rules.credit_card
        key = "payment.credit_card" if allowed else "payment.credit_card_no"
    else:
        lines = [replies.render("payment.overview", **values)]
        if rules.huabei and instalments.available:
            lines.append(replies.render("payment.overview_instalments", **values))
        cod = (
            "payment.overview_cash_on_delivery"
            if rules.cash_on_delivery
            else "payment.overview_no_cash_on_delivery"
        )
        lines.append(replies.render(cod, **values))
        return Answer(text=join_lines(*lines), facts={"topic": "overview", "allowed": None})
    return Answer(text=replies.render(key, **values), facts={"topic": topic, "allowed": allowed})


def _interest_free(shop: "Shop", values: dict) -> Answer:
    """免息吗 / 有手续费吗: which periods are free of charge and which are not."""
    instalments = shop.policy.payment.instalments
    fee_periods = [p for p in instalments.periods if p not in instalments.interest_free_periods]
    if not instalments.interest_free_periods:
        key = "payment.instalments_none_free"
    elif not fee_periods:
        key = "payment.instalments_all_free"
    else:
        key = "payment.instalments_which_free"
    text = shop.replies.render(key, fee_periods=PERIOD_SEPARATOR.join(str(p) for p in fee_periods), **values)
    return Answer(text=text, facts={"topic": "instalments", "allowed": True,
                                    "interest_free": list(instalments.interest_free_periods)})


def _instalment_line(shop: "Shop", values: dict) -> str:
    key = (
        "payment.instalments_interest_free"
        if shop.policy.payment.instalments.interest_free_periods
        else "payment.instalments"
    )
    return shop.replies.render(key, **values)


def _instalments_for(shop: "Shop", values: dict, amount: Optional[float], periods: Optional[int]) -> Answer:
    """花呗分期 for an amount (can it be split?) or a number of periods (is it free of interest?)."""
    rules = shop.policy.payment.instalments
    replies = shop.replies
    facts = {"topic": "instalments", "allowed": True, "amount": amount, "periods_asked": periods}
    lines = []
    if periods:
        key = ("payment.instalments_period_no" if periods not in rules.periods
               else "payment.instalments_period_free" if periods in rules.interest_free_periods
               else "payment.instalments_period_fee")
        lines.append(replies.render(key, period=periods, **values))
    if amount is not None:
        if amount >= rules.min_amount:
            lines.append(replies.render("payment.instalments_ok", amount=yuan(amount), **values))
        else:
            facts["allowed"] = False
            gap = yuan(rules.min_amount - amount)
            lines.append(replies.render("payment.instalments_short", amount=yuan(amount), gap=gap, **values))
    return Answer(text=join_lines(*lines), facts=facts)

"""Questions about coupons and events, answered one at a time: do two stack, how to get one, until when it is
valid, can it be used on this amount, is that event on, over or coming.

Plain logic over ``promotions`` and ``pricing.coupons_per_order`` of the policy (no Rasa; the time passed in).
Which promotion a buyer means is read from its name, its aliases and what it says (满299减30, 85折).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from bot.shop.catalogue import Product
from bot.shop.fields import yuan
from bot.shop.pricing import answer_promotions, live_promotions
from bot.shop.replies import Answer, join_lines
from bot.shop.schema import Policy, Promotion
from bot.shop.workdays import format_date
from bot.text.numerals import to_halfwidth

if TYPE_CHECKING:
    from bot.shop.loading import Shop

LIST_SEPARATOR = "、"
#: What can be asked about a coupon or an event.
ASPECTS = ("list", "stack", "count", "get", "expiry", "use", "status")

_CN_RATE = {0.95: "九五折", 0.9: "九折", 0.88: "八八折", 0.85: "八五折", 0.8: "八折", 0.75: "七五折", 0.7: "七折"}


def promotion_words(promotion: Promotion) -> List[str]:
    """The ways a buyer may name a promotion: its name, aliases, and what it gives (满299减30, 85折)."""
    words = [promotion.name, *promotion.aliases]
    if promotion.threshold is not None and promotion.amount_off is not None:
        words.append(f"满{yuan(promotion.threshold)}减{yuan(promotion.amount_off)}")
    if promotion.amount_off is not None and promotion.threshold is None:
        words.append(f"{yuan(promotion.amount_off)}元券")
    if promotion.rate is not None:
        words.append(f"{yuan(round(promotion.rate * 100, 1))}折")
        if round(promotion.rate, 2) in _CN_RATE:
            words.append(_CN_RATE[round(promotion.rate, 2)])
    return words


def named_promotions(policy: Policy, text: str) -> List[Promotion]:
    """The promotions a message names, in order of mention; a longer name wins over a shorter one inside it."""
    message = re.sub(r"\s+", "", to_halfwidth(text or "")).lower()
    words = sorted(
        ((word.lower(), promotion) for promotion in policy.promotions for word in promotion_words(promotion)),
        key=lambda pair: -len(pair[0]),
    )
    taken = [False] * len(message)
    hits = []
    for word, promotion in words:
        start = message.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                hits.append((start, promotion))
            start = message.find(word, start + 1)
    ordered: List[Promotion] = []
    for _, promotion in sorted(hits, key=lambda hit: hit[0]):
        if promotion not in ordered:
            ordered.append(promotion)
    return ordered


def _names(promotions: Sequence[Promotion]) -> str:
    return LIST_SEPARATOR.join(p.name for p in promotions)


def _state(promotion: Promotion, today) -> str:
    if promotion.end < today:
        return "over"
    if promotion.start > today:
        return "coming"
    return "live"


def answer_coupon_question(
    shop: "Shop",
    now: datetime,
    aspect: str,
    promotions: Sequence[Promotion] = (),
    amount: Optional[float] = None,
    product: Optional[Product] = None,
    new_member: bool = False,
) -> Answer:
    """One question about coupons and events.

    Args:
        shop: the loaded shop.
        now: the current time, timezone-aware.
        aspect: one of ASPECTS: ``list`` what is on; ``stack`` whether the named ones can be used together (the
            live coupons when none is named); ``get`` how to get it; ``expiry`` until when; ``use`` whether it
            can be used on ``amount``; ``status`` whether a named event is on, over or coming.
        promotions: the promotions the buyer named, in order.
        amount: the amount to use a coupon on (a price, an order), for ``use``.
        product: the product it would be used on, for ``use`` (a promotion for some products only).
        new_member: whether the buyer says they are a new member.

    Returns:
        The reply; facts hold ``aspect``, ``promotions`` (ids) and, by aspect, ``stack`` (bool), ``usable``
        (bool), ``gap`` (yuan), ``state`` (over / live / coming).

    Raises:
        ValueError: an unknown aspect.
    """
    if aspect not in ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}; one of {ASPECTS}")
    policy, replies = shop.policy, shop.replies
    today = policy.local(now).date()
    live = live_promotions(policy, now)
    named = list(promotions)
    facts: Dict[str, Any] = {"aspect": aspect, "promotions": [p.id for p in named]}

    def r(key: str, promotion: Optional[Promotion] = None, **values: Any) -> str:
        if promotion is not None:
            values = {**_values(shop, promotion), **values}
        return replies.render(f"coupon.{key}", **values)

    if aspect == "count":
        # 一个订单能用几张店铺券: how many coupons one order takes.
        return Answer(r("per_order", per_order=policy.pricing.coupons_per_order), facts)
    if aspect == "list" or (aspect == "status" and not named):
        answer = answer_promotions(shop, now)
        return Answer(answer.text, {**facts, **answer.facts})

    if aspect == "stack":
        per_order = policy.pricing.coupons_per_order
        if len(named) < 2:
            # 这两张能一起用吗: the coupons on offer, when the buyer names fewer than two.
            offered = [p for p in live if p.kind == "coupon" and p not in named]
            named = (named + offered)[:2] if len(named) + len(offered) >= 2 else named
        coupons = [p for p in named if p.kind == "coupon"]
        discounts = [p for p in named if p.kind == "discount"]
        facts["promotions"] = [p.id for p in named]
        if len(coupons) > per_order:
            facts["stack"] = False
            return Answer(r("stack_no", names=_names(coupons), per_order=per_order), facts)
        if discounts and coupons:
            facts["stack"] = True
            lines = [r("stack_yes", discount=_names(discounts), coupon=_names(coupons))]
            lines += [r("when", promotion=p) for p in discounts if _state(p, today) != "live"]
            return Answer(join_lines(*lines), facts)
        facts["stack"] = None
        return Answer(r("per_order", per_order=per_order), facts)

    if not named:
        # 新人券怎么领 names it; 在哪领 after a list means the coupons on offer.
        named = [p for p in live if p.kind == "coupon" and (new_member or not p.new_members_only)] or list(live)
        if new_member:
            named = [p for p in named if p.new_members_only] or named
        named = named[:1] if aspect in ("use",) else named[:2]
        facts["promotions"] = [p.id for p in named]
    if not named:
        return Answer(answer_promotions(shop, now).text, facts)

    if aspect == "get":
        return Answer(join_lines(*(r("get_coupon" if p.kind == "coupon" else "get_discount", p) for p in named)), facts)

    if aspect == "expiry":
        lines = []
        for p in named:
            state = _state(p, today)
            if state == "over":
                lines.append(r("over", p))
            elif p.valid_days:
                lines.append(r("valid_days", p))
            elif state == "coming":
                lines.append(r("when", p))
            else:
                lines.append(r("ends", p))
        return Answer(join_lines(*lines), facts)

    if aspect == "status":
        lines = []
        for p in named:
            state = _state(p, today)
            facts.setdefault("state", state)
            if state == "over":
                others = [q for q in live if q is not p and not q.new_members_only]
                lines.append(r("over", p))
                if others:
                    lines.append(r("now_instead", names=_names(others)))
            elif state == "coming":
                lines += [r("coming", p)]
            else:
                lines.append(r("live", p))
        return Answer(join_lines(*lines), facts)

    # aspect == "use": can this coupon be used on this amount?
    promotion = named[0]
    state = _state(promotion, today)
    if state != "live":
        facts.update(usable=False, state=state)
        return Answer(r("over" if state == "over" else "coming", promotion), facts)
    if promotion.new_members_only and not new_member:
        facts["usable"] = None
        return Answer(r("members_only", promotion), facts)
    if product is not None and not promotion.applies_to(product.id):
        facts["usable"] = False
        return Answer(r("not_for_product", promotion, product=product.name), facts)
    if amount is None or promotion.threshold is None:
        facts["usable"] = None
        return Answer(r("rule", promotion), facts)
    gap = round(promotion.threshold - amount, 2)
    if gap > 0:
        facts.update(usable=False, gap=gap)
        return Answer(r("short", promotion, amount=yuan(amount), gap=yuan(gap)), facts)
    off = promotion.amount_off if promotion.amount_off is not None else round(amount * (1 - (promotion.rate or 1)), 2)
    facts.update(usable=True, gap=0.0)
    return Answer(r("usable", promotion, amount=yuan(amount), after=yuan(amount - off)), facts)


def _values(shop: "Shop", promotion: Promotion) -> Dict[str, Any]:
    replies = shop.replies
    return {
        "name": promotion.name,
        "description": promotion.description,
        "conditions": promotion.conditions,
        "start": format_date(replies, promotion.start),
        "end": format_date(replies, promotion.end),
        "threshold": yuan(promotion.threshold) if promotion.threshold is not None else "",
        "off": yuan(promotion.amount_off) if promotion.amount_off is not None else "",
        "days": promotion.valid_days or "",
    }

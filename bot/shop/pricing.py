"""Prices and promotions: which promotions are live on a date, and how the bot answers bargaining."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from bot.handoff.reasons import HandoffReason
from bot.shop.catalogue import Product
from bot.shop.fields import as_amount, yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.returns import ProductRef, resolve_product
from bot.shop.schema import Policy, Promotion
from bot.shop.service_hours import agents_on_duty, next_on_duty_label
from bot.shop.workdays import format_date

if TYPE_CHECKING:
    from bot.shop.loading import Shop

LIST_SEPARATOR = "、"
#: A reply has at most four lines: an intro and three promotions.
MAX_PROMOTIONS_LISTED = 3

#: Hand-off reasons, for the caller's ticket and for tests.
REASON_REPEATED = "repeated_bargain"
REASON_OVER_LIMIT = "over_agent_limit"
REASON_NEGOTIABLE = "prices_negotiable"


def live_promotions(policy: Policy, now: datetime) -> List[Promotion]:
    """Promotions running on ``now``'s date in the shop's timezone, soonest-ending first."""
    today = policy.local(now).date()
    return sorted((p for p in policy.promotions if p.live_on(today)), key=lambda p: (p.end, p.start))


def next_promotion(policy: Policy, now: datetime) -> Optional[Promotion]:
    """The next promotion to start after today, if any."""
    today = policy.local(now).date()
    upcoming = [p for p in policy.promotions if p.start > today]
    return min(upcoming, key=lambda p: p.start) if upcoming else None


def price_with(promotion: Promotion, price: float) -> Optional[float]:
    """The price after one promotion, or None when it does not apply to that price.

    Args:
        promotion: a 满减 (threshold + amount_off) or 折扣 (rate) promotion.
        price: the price in yuan.
    """
    if promotion.threshold is not None and price < promotion.threshold:
        return None
    if promotion.amount_off is not None:
        return round(price - promotion.amount_off, 2)
    if promotion.rate is not None:
        return round(price * promotion.rate, 2)
    return None


def best_offer(policy: Policy, now: datetime, product: Product) -> Tuple[Optional[Promotion], float]:
    """The live promotion open to every buyer that lowers a product's price most.

    One promotion only: stacking rules live in each promotion's free-text conditions, and quoting
    a lower price than the buyer will see at checkout would be worse than quoting a higher one.

    Returns:
        (promotion or None, resulting price).
    """
    price = product.price
    best: Tuple[Optional[Promotion], float] = (None, price)
    for promotion in live_promotions(policy, now):
        if promotion.new_members_only or not promotion.applies_to(product.id):
            continue
        after = price_with(promotion, price)
        if after is not None and after < best[1]:
            best = (promotion, after)
    return best


def answer_promotions(shop: "Shop", now: datetime) -> Answer:
    """The promotions live today; when none, when the next one starts.

    Args:
        shop: the loaded shop.
        now: the current time, timezone-aware.

    Returns:
        The reply; facts hold ``live`` (promotion ids) and ``next`` (id or None).
    """
    policy, replies = shop.policy, shop.replies
    live = live_promotions(policy, now)
    if live:
        items = [
            replies.render(
                "promotions.item",
                name=p.name,
                description=p.description,
                conditions=p.conditions,
                end=format_date(replies, p.end),
            )
            for p in live[:MAX_PROMOTIONS_LISTED]
        ]
        text = join_lines(replies.render("promotions.live_intro", count=len(live)), *items)
        return Answer(text=text, facts={"live": [p.id for p in live], "next": None})
    upcoming = next_promotion(policy, now)
    if upcoming is not None:
        text = replies.render(
            "promotions.none_next", name=upcoming.name, start=format_date(replies, upcoming.start)
        )
        return Answer(text=text, facts={"live": [], "next": upcoming.id})
    return Answer(text=replies.render("promotions.none"), facts={"live": [], "next": None})


@dataclass(frozen=True)
class BargainDecision:
    """What the bot does when a buyer asks for a lower price. It never grants a discount itself.

    Attributes:
        hand_off: True when a human agent (or supervisor) should take over.
        reason: why: ``repeated_bargain``, ``over_agent_limit`` or ``prices_negotiable``; None
            when the bot holds the price itself.
        text: the reply to send (at most four lines).
        facts: what the reply was built from (limit, live promotion ids, final_price...).
    """

    hand_off: bool
    reason: Optional[str]
    text: str
    facts: Dict[str, Any] = field(default_factory=dict)

    @property
    def hand_off_reason(self) -> Optional[HandoffReason]:
        """The hand-off reason of this decision, when a person should take over."""
        if not self.hand_off or self.reason is None:
            return None
        key = "bargain_over_limit" if self.reason == REASON_OVER_LIMIT else "bargain_insists"
        return HandoffReason(key=key, detail=self.detail_words)

    @property
    def detail_words(self) -> str:
        """What the agent needs to know, in the words of the ticket (想便宜50元, 第2次议价)."""
        amount = self.facts.get("amount_asked")
        if amount:
            return f"想便宜{yuan(amount)}元"
        attempt = self.facts.get("attempt")
        return f"第{attempt}次议价" if attempt else "坚持要优惠"

    @property
    def answer(self) -> Answer:
        """The decision as an Answer."""
        return Answer(text=self.text, facts=self.facts, hand_off_reason=self.hand_off_reason)


#: A number right after these words is the yuan off asked for (便宜50, 少30卖吗, 减个20); a number without them,
#: under the price, is the price the buyer offers (800卖不卖 for an 899 coat: 99 off).
_OFF_CUE = re.compile(r"(?:便宜|少|减|优惠|抹|降|让)\s*(?:了|个|点)?\s*(?:\d|[一二两三四五六七八九十百])")


def amount_off_asked(text: str, amount: Union[float, str, None], price: Optional[float]) -> Optional[float]:
    """The yuan off a bargaining message asks for, from the amount it names and the product's price.

    ``便宜50`` asks 50 off; ``800卖不卖`` on an 899 product asks 99 off; ``329的风衣能便宜点吗`` quotes the price
    and asks no amount. Without a price, a named amount is taken as the yuan off.
    """
    value = as_amount(amount)
    if value is None:
        return None
    if _OFF_CUE.search(text or "") or price is None:
        return value
    if value >= price:
        return None  # the price quoted (329的风衣), or more than it: no amount off asked
    return round(price - value, 2)


def decide_bargain(
    shop: "Shop",
    now: datetime,
    attempt: int,
    amount_asked: Union[float, str, None] = None,
    product: ProductRef = None,
) -> BargainDecision:
    """Hold the price, or hand the buyer to a colleague.

    The first request is answered politely: the price is the same for every buyer, and live
    promotions are the way to pay less. A second insistence, or a concrete amount off above what
    an agent may grant (``pricing.agent_discount_max``, 20 元 by default), goes to a human with a
    reason; the reply promises only that a colleague will look, never a discount.

    Args:
        shop: the loaded shop.
        now: the current time, timezone-aware (live promotions, agents on duty).
        attempt: how many times the buyer has asked in this conversation, 1 for the first.
        amount_asked: yuan off the buyer asked for (``便宜30`` -> 30 or "30"), if they named one.
        product: the product being bargained over (Product or name/alias/id), if known.

    Returns:
        The decision with its reply.

    Raises:
        ValueError: attempt below 1, or an amount that is negative or not a number.
    """
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    amount_asked = as_amount(amount_asked)
    policy, replies = shop.policy, shop.replies
    limit = policy.pricing.agent_discount_max
    found, _ = resolve_product(shop, product)
    live = live_promotions(policy, now)
    on_duty = agents_on_duty(policy, now)
    facts: Dict[str, Any] = {
        "attempt": attempt,
        "amount_asked": amount_asked,
        "limit": limit,
        "product": found.id if found else None,
        "live_promotions": [p.id for p in live],
        "agents_on_duty": on_duty,
    }

    if amount_asked is not None and amount_asked > limit:
        reason: Optional[str] = REASON_OVER_LIMIT
    elif attempt >= 2:
        reason = REASON_REPEATED
    elif not policy.pricing.fixed_prices:
        reason = REASON_NEGOTIABLE
    else:
        reason = None

    if reason is not None:
        if reason == REASON_OVER_LIMIT:
            first = replies.render("bargain.hand_off_over_limit", amount=yuan(amount_asked or 0))
        else:
            first = replies.render("bargain.hand_off")
        offline = (
            None
            if on_duty
            else replies.render("bargain.hand_off_offline", next=next_on_duty_label(shop, now))
        )
        return BargainDecision(hand_off=True, reason=reason, text=join_lines(first, offline), facts=facts)

    lines = [_hold_line(shop, found)]
    public = [p for p in live if not p.new_members_only] or live
    if found is not None:
        promotion, final = best_offer(policy, now, found)
        if promotion is not None:
            facts.update(final_price=final, promotion=promotion.id)
            lines.append(
                replies.render(
                    "bargain.hold_price_after",
                    product=found.name,
                    promotion=promotion.name,
                    final_price=yuan(final),
                )
            )
    if len(lines) == 1:
        if public:
            lines.append(
                replies.render(
                    "bargain.hold_promotions", promotions=LIST_SEPARATOR.join(p.name for p in public)
                )
            )
        else:
            lines.append(replies.render("bargain.hold_no_promotions"))
    return BargainDecision(hand_off=False, reason=None, text=join_lines(*lines), facts=facts)


def _hold_line(shop: "Shop", product: Optional[Product]) -> str:
    if product is None:
        return shop.replies.render("bargain.hold")
    return shop.replies.render("bargain.hold_product", product=product.name, price=yuan(product.price))

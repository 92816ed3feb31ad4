"""What an order costs: N items of one or several products, the discounts live that day, the best coupon the
buyer can use, postage to their region (after the coupon), a chosen courier's surcharge, and how much is still
missing for free shipping or for a coupon's threshold.

Plain logic over the policy and the catalogue (no Rasa, the day passed in). The rules are the shop's:
discounts (promotions of kind ``discount``) apply by themselves and stack with coupons; an order uses at most
``pricing.coupons_per_order`` coupons, the best one for the buyer (a new-member coupon only for a new member);
postage is judged on the amount paid after them (``postage.free_threshold``, remote regions' own lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from bot.shop.catalogue import Product
from bot.shop.fields import yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.schema import Courier, Policy, Promotion
from bot.shop.shipping import postage_for
from bot.shop.workdays import format_date

if TYPE_CHECKING:
    from bot.shop.loading import Shop

LIST_SEPARATOR = "、"


@dataclass(frozen=True)
class Line:
    """One product of an order and how many."""

    product: Product
    quantity: int = 1

    @property
    def amount(self) -> float:
        return round(self.product.price * self.quantity, 2)


@dataclass(frozen=True)
class Quote:
    """An order priced.

    Attributes:
        lines: what is bought.
        day: the day it is priced for (promotions live that day).
        subtotal: list prices times quantities.
        discounts: (promotion, yuan off) for every discount and the coupon applied, in that order.
        goods: what the goods cost after them (the amount postage is judged on).
        postage: the postage for the region (0 when free); None when no region is known and the standard rule
            applied (still the number charged).
        surcharge: what the chosen courier adds (0 for the default or a free choice).
        total: goods + postage + surcharge.
        region: the canonical region, or None.
        courier: the chosen courier, or None.
        postage_gap: yuan still missing for free shipping (None when free or when the region never ships free).
        coupon_gap: (coupon, yuan still missing for its threshold) for the cheapest coupon not reached, or None.
        missed: coupons that did not apply and why (``new_members_only`` / ``threshold`` / ``products``).
    """

    lines: Tuple[Line, ...]
    day: date
    subtotal: float
    discounts: Tuple[Tuple[Promotion, float], ...]
    goods: float
    postage: float
    surcharge: float
    total: float
    region: Optional[str] = None
    courier: Optional[Courier] = None
    postage_gap: Optional[float] = None
    coupon_gap: Optional[Tuple[Promotion, float]] = None
    missed: Dict[str, str] = field(default_factory=dict)

    @property
    def coupon(self) -> Optional[Promotion]:
        """The coupon applied, if any."""
        return next((p for p, _ in self.discounts if p.kind == "coupon"), None)


def promotions_on(policy: Policy, day: date) -> List[Promotion]:
    """The promotions live on a day."""
    return [p for p in policy.promotions if p.live_on(day)]


def _applicable(promotion: Promotion, lines: Sequence[Line]) -> float:
    return round(sum(line.amount for line in lines if promotion.applies_to(line.product.id)), 2)


def _discounted_within(discounts: Sequence[Tuple[Promotion, float]], coupon: Promotion, lines: Sequence[Line]) -> float:
    """The discounts taken off goods the coupon covers too (a coupon's threshold is read after them)."""
    covered = {line.product.id for line in lines if coupon.applies_to(line.product.id)}
    return round(sum(off for promotion, off in discounts
                     if {line.product.id for line in lines if promotion.applies_to(line.product.id)} <= covered), 2)


def _off(promotion: Promotion, base: float) -> Optional[float]:
    """Yuan off a base amount, or None when the promotion's threshold is not reached."""
    if base <= 0 or (promotion.threshold is not None and base < promotion.threshold):
        return None
    if promotion.amount_off is not None:
        return float(promotion.amount_off)
    if promotion.rate is not None:
        return round(base * (1 - promotion.rate), 2)
    return None


def quote(
    shop: "Shop",
    lines: Sequence[Line],
    day: date,
    region: Optional[str] = None,
    courier: Optional[str] = None,
    new_member: bool = False,
) -> Quote:
    """Price an order on a day.

    Args:
        shop: the loaded shop.
        lines: the products and quantities.
        day: the day the order is paid (the promotions live that day apply).
        region: the delivery region as the buyer wrote it, if known (else the standard postage rule).
        courier: a courier the buyer chose, if any (its surcharge is added).
        new_member: whether the buyer is a new member (new-member coupons apply).

    Returns:
        The quote; the coupon chosen is the one giving the lowest total, postage included.

    Raises:
        ValueError: no lines, or a quantity under 1.
    """
    if not lines:
        raise ValueError("an order needs at least one product")
    if any(line.quantity < 1 for line in lines):
        raise ValueError("quantities count from 1")
    policy = shop.policy
    live = promotions_on(policy, day)
    subtotal = round(sum(line.amount for line in lines), 2)
    discounts: List[Tuple[Promotion, float]] = []
    for promotion in (p for p in live if p.kind == "discount"):
        off = _off(promotion, _applicable(promotion, lines))
        if off:
            discounts.append((promotion, off))
    after_discounts = round(subtotal - sum(off for _, off in discounts), 2)

    canonical = policy.canonical_region(region) if region else None
    chosen = policy.courier(courier) if courier else None
    surcharge = _surcharge(policy, chosen, canonical)

    missed: Dict[str, str] = {}
    usable: List[Tuple[Promotion, float]] = []
    for coupon in (p for p in live if p.kind == "coupon"):
        if coupon.new_members_only and not new_member:
            missed[coupon.id] = "new_members_only"
            continue
        base = _applicable(coupon, lines)
        if base <= 0:
            missed[coupon.id] = "products"
            continue
        # A coupon's threshold is read on what is left after the discounts of the same goods.
        off = _off(coupon, round(base - _discounted_within(discounts, coupon, lines), 2))
        if off is None:
            missed[coupon.id] = "threshold"
            continue
        usable.append((coupon, off))

    best: Optional[Tuple[Tuple[Tuple[Promotion, float], ...], float, float]] = None
    choices: List[Tuple[Tuple[Promotion, float], ...]] = [()]
    for count in range(1, policy.pricing.coupons_per_order + 1):
        choices += list(combinations(usable, count))
    for choice in choices:
        goods = round(after_discounts - sum(off for _, off in choice), 2)
        postage = float(postage_for(policy, canonical, goods)["postage"])
        total = round(goods + postage + surcharge, 2)
        if best is None or total < best[1] or (total == best[1] and len(choice) < len(best[0])):
            best = (choice, total, goods)
    assert best is not None
    choice, total, goods = best
    for coupon, _ in usable:
        if all(coupon is not chosen_coupon for chosen_coupon, _ in choice):
            missed.setdefault(coupon.id, "not_best")
    rule = postage_for(policy, canonical, goods)
    return Quote(
        lines=tuple(lines),
        day=day,
        subtotal=subtotal,
        discounts=tuple(discounts) + tuple(choice),
        goods=goods,
        postage=float(rule["postage"]),
        surcharge=surcharge,
        total=total,
        region=canonical,
        courier=chosen,
        postage_gap=rule["gap"] or None,
        coupon_gap=_coupon_gap(live, lines, discounts, choice, new_member),
        missed=missed,
    )


def _surcharge(policy: Policy, courier: Optional[Courier], region: Optional[str]) -> float:
    if courier is None or not courier.available or courier.name == policy.default_courier:
        return 0.0
    if region and region in courier.default_for_regions:
        return 0.0
    return float(courier.surcharge)


def _coupon_gap(
    live: Sequence[Promotion], lines: Sequence[Line], discounts: Sequence[Tuple[Promotion, float]],
    chosen: Sequence[Tuple[Promotion, float]], new_member: bool,
) -> Optional[Tuple[Promotion, float]]:
    """The coupon (open to this buyer, not applied) nearest to its threshold, and what is missing."""
    if chosen:
        return None
    gaps = []
    for coupon in (p for p in live if p.kind == "coupon" and p.threshold is not None):
        if coupon.new_members_only and not new_member:
            continue
        base = _applicable(coupon, lines) - _discounted_within(discounts, coupon, lines)
        if 0 < base < coupon.threshold:
            gaps.append((coupon, round(coupon.threshold - base, 2)))
    return min(gaps, key=lambda gap: gap[1]) if gaps else None


def coupon_gap(promotion: Promotion, amount: float) -> float:
    """Yuan still missing for a promotion's threshold on an amount (0 when reached or when it has none)."""
    if promotion.threshold is None or amount >= promotion.threshold:
        return 0.0
    return round(promotion.threshold - amount, 2)


# -- the replies --------------------------------------------------------------------------------------


def lines_words(shop: "Shop", lines: Sequence[Line]) -> str:
    """``卫衣×2、T恤×1`` (a product's first alias is what buyers call it)."""
    return LIST_SEPARATOR.join(
        shop.replies.render("price.item", name=short_name(line.product), quantity=line.quantity) for line in lines
    )


def short_name(product: Product) -> str:
    """What buyers call a product: its first alias, else its name."""
    return product.aliases[0] if product.aliases else product.name


def answer_quote(shop: "Shop", q: Quote, aspect: str = "total") -> Answer:
    """The price of an order as a reply: the total with what makes it up, and the next threshold worth reaching.

    Args:
        shop: the loaded shop.
        q: the quote.
        aspect: ``total`` (what it costs), ``gap`` (what is missing for the coupon or free shipping).

    Returns:
        The reply; facts hold ``subtotal``, ``total``, ``goods``, ``postage``, ``surcharge``, ``coupon`` (id),
        ``discounts`` (id -> yuan), ``postage_gap`` and ``coupon_gap``.
    """
    replies = shop.replies
    facts: Dict[str, Any] = {
        "subtotal": q.subtotal, "total": q.total, "goods": q.goods, "postage": q.postage, "surcharge": q.surcharge,
        "coupon": q.coupon.id if q.coupon else None, "discounts": {p.id: off for p, off in q.discounts},
        "postage_gap": q.postage_gap, "coupon_gap": (q.coupon_gap[0].id, q.coupon_gap[1]) if q.coupon_gap else None,
        "items": [(line.product.id, line.quantity) for line in q.lines],
    }
    values = {"items": lines_words(shop, q.lines), "subtotal": yuan(q.subtotal), "total": yuan(q.total),
              "goods": yuan(q.goods)}
    if aspect == "gap":
        text = _gap_text(shop, q, values, always=True)
        return Answer(text, facts)
    parts = [replies.render("price.discount", promotion=p.name, off=yuan(off)) for p, off in q.discounts]
    if q.postage:
        key = "price.postage_region" if q.region else "price.postage"
        parts.append(replies.render(key, region=q.region or "", fee=yuan(q.postage)))
    else:
        parts.append(replies.render("price.postage_free"))
    if q.surcharge:
        parts.append(replies.render("price.surcharge", courier=q.courier.name if q.courier else "",
                                    surcharge=yuan(q.surcharge)))
    first = replies.render("price.total", adjustments=replies.render("price.separator").join(parts), **values)
    return Answer(join_lines(first, _gap_text(shop, q, values, always=False)), facts)


def _gap_text(shop: "Shop", q: Quote, values: Dict[str, str], always: bool) -> Optional[str]:
    """What is still missing: for the nearest coupon, and for free shipping. In the total's reply (``always``
    False) one hint at most, as a suggestion; asked for (``always``), both, or that nothing is missing."""
    replies = shop.replies
    prefix = "gap" if always else "next"
    lines = []
    # A hint in the total's reply only when it is within reach: a coupon a third of its threshold away, and
    # free shipping before a far coupon.
    coupon_hint = q.coupon_gap is not None and (always or q.coupon_gap[1] <= (q.coupon_gap[0].threshold or 0) / 3)
    if coupon_hint:
        coupon, gap = q.coupon_gap
        lines.append(replies.render(f"price.{prefix}_coupon", promotion=coupon.name, gap=yuan(gap), **values))
    if q.postage_gap is not None and (always or not coupon_hint):
        lines.append(replies.render(f"price.{prefix}_postage", gap=yuan(q.postage_gap), **values))
    if always and not lines:
        lines.append(replies.render("price.gap_none", **values))
    return join_lines(*lines) or None


def answer_same_price(shop: "Shop", product: Product, color: Optional[str], q: Quote) -> Answer:
    """Whether another colour (or size) costs the same: every variant of a product has one price here."""
    text = shop.replies.render(
        "price.same_price", name=short_name(product), color=color or "", price=yuan(product.price), total=yuan(q.total)
    )
    return Answer(text, {"price": product.price, "total": q.total})


def answer_event_saving(shop: "Shop", now_quote: Quote, event_quote: Quote, event: Promotion) -> Answer:
    """What the same order costs on a coming event's first day, against today."""
    saving = round(now_quote.total - event_quote.total, 2)
    values = {
        "promotion": event.name,
        "start": format_date(shop.replies, event.start),
        "end": format_date(shop.replies, event.end),
        "total": yuan(event_quote.total), "now_total": yuan(now_quote.total), "saving": yuan(max(saving, 0)),
        "conditions": event.conditions,
    }
    key = "price.event_saving" if saving > 0 else "price.event_no_saving"
    return Answer(shop.replies.render(key, **values), {"saving": saving, "total": event_quote.total,
                                                       "now_total": now_quote.total})


def quote_day(shop: "Shop", now: datetime) -> date:
    """Today in the shop's timezone."""
    return shop.policy.local(now).date()

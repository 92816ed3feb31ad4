"""Returns and exchanges: 7-day no-reason eligibility, who pays the postage back, how to file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple, Union

from bot.shop.catalogue import Product
from bot.shop.fields import yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.schema import Policy
from bot.shop.workdays import format_date

if TYPE_CHECKING:
    from bot.shop.loading import Shop

LIST_SEPARATOR = "、"
STEP_SEPARATOR = " → "

ProductRef = Union[Product, str, None]


def resolve_product(shop: "Shop", product: ProductRef) -> Tuple[Optional[Product], Optional[str]]:
    """Accept a Product, or a name/alias/id as extracted from a message.

    Returns:
        (the product or None, the unresolved text when a string matched nothing).
    """
    if product is None or isinstance(product, Product):
        return product, None
    found = shop.catalogue.find(product)
    return found, (None if found else product)


def no_reason_returnable(policy: Policy, product: Product) -> bool:
    """Whether a product can be returned within the 7-day no-reason window.

    The product's own ``returnable_no_reason`` wins; otherwise its category must not be in
    ``returns.excluded_categories`` (underwear, socks, custom-made...).
    """
    if product.returnable_no_reason is not None:
        return product.returnable_no_reason
    return product.category not in policy.returns.excluded_categories


def no_reason_deadline(policy: Policy, signed_on: date) -> date:
    """The last day a no-reason return can be requested.

    The 7 days are counted from the day after sign-for (网络购买商品七日无理由退货暂行办法, as
    Tmall applies it), so goods signed for on 3月1日 can be returned until the end of 3月8日.

    Args:
        policy: the shop policy.
        signed_on: the day the buyer signed for the parcel.
    """
    return signed_on + timedelta(days=policy.returns.no_reason_days)


def no_reason_window_open(policy: Policy, signed_on: date, now: datetime) -> bool:
    """Whether a no-reason return can still be requested at ``now`` (timezone-aware)."""
    return policy.local(now).date() <= no_reason_deadline(policy, signed_on)


def _steps(steps: list) -> str:
    return STEP_SEPARATOR.join(steps)


def answer_return_policy(
    shop: "Shop", product: ProductRef = None, quality_problem: Optional[bool] = None
) -> Answer:
    """Can it be returned, on what conditions, who pays the postage back, and how to file.

    Args:
        shop: the loaded shop.
        product: the product asked about (Product or name/alias/id), if any.
        quality_problem: True for a quality problem (the shop pays the postage), False for a
            change of mind, None when the buyer did not say (both rules are given).

    Returns:
        The reply; facts hold ``product`` (id or None), ``returnable_no_reason``, ``days``,
        ``postage_payer`` ('shop' / 'buyer' / None when both rules were given),
        ``postage_max`` (quality reimbursement cap), ``insurance_payout`` ((min, max)) and
        ``accept_cash_on_delivery``.
    """
    policy, replies = shop.policy, shop.replies
    rules = policy.returns
    found, unknown = resolve_product(shop, product)
    insurance = rules.freight_insurance
    values: Dict[str, Any] = {
        "days": rules.no_reason_days,
        "conditions": LIST_SEPARATOR.join(rules.conditions),
        "excluded_note": rules.excluded_note,
        "postage_max": yuan(rules.quality_postage_max),
        "payout_min": yuan(insurance.payout_min),
        "payout_max": yuan(insurance.payout_max),
        "cod": replies.render(
            "returns.cod_accepted" if rules.accept_cash_on_delivery else "returns.cod_refused"
        ),
        "steps": _steps(rules.filing_steps),
        "refund_days": rules.refund_days,
    }
    returnable = no_reason_returnable(policy, found) if found else None
    facts: Dict[str, Any] = {
        "product": found.id if found else None,
        "returnable_no_reason": returnable,
        "days": rules.no_reason_days,
        "postage_payer": None,
        "postage_max": rules.quality_postage_max,
        "insurance_payout": (insurance.payout_min, insurance.payout_max),
        "accept_cash_on_delivery": rules.accept_cash_on_delivery,
    }
    if unknown:
        facts["unknown_product"] = unknown

    if quality_problem:
        # Quality returns are always accepted, excluded category or not.
        facts["postage_payer"] = "shop"
        key = "returns.quality" if rules.quality_needs_photos else "returns.quality_no_photos"
        text = join_lines(
            replies.render(key, **values), replies.render("returns.how_to_file_quality", **values)
        )
        return Answer(text=text, facts=facts)

    if found is not None and not returnable:
        text = replies.render("returns.excluded", product=found.name, category=found.category, **values)
        return Answer(text=text, facts=facts)

    window = (
        replies.render("returns.window_product", product=found.name, **values)
        if found
        else replies.render("returns.window", **values)
    )
    if quality_problem is False:
        facts["postage_payer"] = "buyer"
        key = "returns.not_quality_insured" if insurance.gifted_by_shop else "returns.not_quality"
        postage = replies.render(key, **values)
    else:
        postage = replies.render("returns.postage_overview", **values)
    text = join_lines(window, postage, replies.render("returns.how_to_file_no_reason", **values))
    return Answer(text=text, facts=facts)


def answer_return_window(shop: "Shop", now: datetime, signed_on: date, product: ProductRef = None) -> Answer:
    """Whether a no-reason return is still possible for goods signed for on a given day.

    Args:
        shop: the loaded shop.
        now: the current time, timezone-aware.
        signed_on: the day the parcel was signed for.
        product: the product, if known (excluded categories are never returnable without reason).

    Returns:
        The reply; facts hold ``open`` and ``deadline`` (a date).
    """
    policy, replies = shop.policy, shop.replies
    found, _ = resolve_product(shop, product)
    deadline = no_reason_deadline(policy, signed_on)
    is_open = no_reason_window_open(policy, signed_on, now)
    if is_open or (found is not None and not no_reason_returnable(policy, found)):
        answer = answer_return_policy(shop, found, quality_problem=None)
        facts = {
            **answer.facts,
            "open": is_open and answer.facts["returnable_no_reason"] is not False,
            "deadline": deadline,
        }
        return Answer(text=answer.text, facts=facts)
    text = replies.render(
        "returns.window_closed",
        product=found.name if found else "",
        days=policy.returns.no_reason_days,
        deadline=format_date(replies, deadline),
    )
    return Answer(
        text=text, facts={"open": False, "deadline": deadline, "product": found.id if found else None}
    )


def answer_exchange(shop: "Shop", product: ProductRef = None) -> Answer:
    """How to exchange for another size or colour, within what window, who pays which postage.

    Args:
        shop: the loaded shop.
        product: the product, if known: excluded categories cannot be exchanged without a
            quality problem either.

    Returns:
        The reply; facts hold ``available``, ``window_days``, ``buyer_pays_return`` and
        ``shop_pays_resend``.
    """
    policy, replies = shop.policy, shop.replies
    rules = policy.exchanges
    found, _ = resolve_product(shop, product)
    if found is not None and not no_reason_returnable(policy, found):
        answer = answer_return_policy(shop, found)
        return Answer(text=answer.text, facts={**answer.facts, "available": False})
    if not rules.available:
        return Answer(text=replies.render("exchange.unavailable"), facts={"available": False})
    payer = {True: replies.render("exchange.payer_buyer"), False: replies.render("exchange.payer_shop")}
    text = replies.render(
        "exchange.how",
        window_days=rules.window_days,
        kinds=LIST_SEPARATOR.join(rules.kinds),
        return_payer=payer[rules.buyer_pays_return],
        resend_payer=payer[not rules.shop_pays_resend],
        steps=_steps(rules.steps),
    )
    facts = {
        "available": True,
        "window_days": rules.window_days,
        "buyer_pays_return": rules.buyer_pays_return,
        "shop_pays_resend": rules.shop_pays_resend,
        "product": found.id if found else None,
    }
    return Answer(text=text, facts=facts)


#: What can be asked about returns, beyond "can it be returned" ("").
RETURN_ASPECTS = ("", "postage", "quality", "photos", "cod", "insurance", "conditions", "refund_days", "refund_where",
                  "how", "send_back")
#: What can be asked about exchanges.
EXCHANGE_ASPECTS = ("how", "postage", "times", "sold_out", "send_back")


def answer_return_question(
    shop: "Shop", aspect: str, product: ProductRef = None, quality_problem: bool = False,
    unmet: Sequence[str] = (), refund_note: Optional[str] = None,
) -> Answer:
    """One question about the return rules: who pays the postage, a quality problem, photos, cash on delivery,
    the freight insurance, the conditions (and one the buyer says is not met), how soon the refund comes and
    where, how to file it, what to mind when sending it back.

    Args:
        shop: the loaded shop.
        aspect: one of RETURN_ASPECTS; "" is the general answer (answer_return_policy).
        product: the product, if known (excluded categories).
        quality_problem: the buyer speaks of a quality problem.
        unmet: conditions (as the policy writes them) the buyer says are not met (穿过 -> 未穿着).
        refund_note: how refunds arrive (policy orders.refund_arrival_note), for ``refund_where``.

    Raises:
        ValueError: an unknown aspect.
    """
    if aspect not in RETURN_ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}; one of {RETURN_ASPECTS}")
    policy, replies = shop.policy, shop.replies
    rules = policy.returns
    insurance = rules.freight_insurance
    values: Dict[str, Any] = {
        "days": rules.no_reason_days,
        "conditions": LIST_SEPARATOR.join(rules.conditions),
        "postage_max": yuan(rules.quality_postage_max),
        "payout_min": yuan(insurance.payout_min),
        "payout_max": yuan(insurance.payout_max),
        "cod": replies.render("returns.cod_accepted" if rules.accept_cash_on_delivery else "returns.cod_refused"),
        "steps": _steps(rules.filing_steps),
        "refund_days": rules.refund_days,
        "refund_note": refund_note or policy.orders.refund_arrival_note,
        "unmet": LIST_SEPARATOR.join(unmet),
    }
    facts: Dict[str, Any] = {"aspect": aspect, "quality_problem": quality_problem, "unmet": list(unmet)}

    def r(key: str) -> str:
        return replies.render(f"returns.{key}", **values)

    if aspect == "":
        answer = answer_return_policy(shop, product, quality_problem=True if quality_problem else None)
        return Answer(answer.text, {**facts, **answer.facts})
    if aspect == "postage":
        if quality_problem:
            return Answer(r("quality" if rules.quality_needs_photos else "quality_no_photos"), facts)
        key = "not_quality_insured" if insurance.gifted_by_shop else "not_quality"
        return Answer(join_lines(r(key), r("quality_short")), facts)
    if aspect == "quality":
        key = "quality" if rules.quality_needs_photos else "quality_no_photos"
        return Answer(join_lines(r(key), r("how_to_file_quality")), facts)
    if aspect == "photos":
        return Answer(r("photos" if rules.quality_needs_photos else "no_photos"), facts)
    if aspect == "cod":
        return Answer(r("cod"), facts)
    if aspect == "insurance":
        return Answer(r("insurance_gifted" if insurance.gifted_by_shop else "insurance_own"), facts)
    if aspect == "conditions":
        return Answer(join_lines(r("conditions"), r("unmet") if unmet else None), facts)
    if aspect == "refund_days":
        return Answer(r("refund_days"), facts)
    if aspect == "refund_where":
        return Answer(r("refund_where"), facts)
    if aspect == "how":
        return Answer(r("how_to_file_quality" if quality_problem else "how_to_file_no_reason"), facts)
    return Answer(r("send_back"), facts)


def answer_exchange_question(shop: "Shop", aspect: str) -> Answer:
    """One question about the exchange rules: how, who pays the postage each way, how many times, what if the
    wanted size or colour is sold out, what to mind when sending it back.

    Raises:
        ValueError: an unknown aspect.
    """
    if aspect not in EXCHANGE_ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}; one of {EXCHANGE_ASPECTS}")
    policy, replies = shop.policy, shop.replies
    rules = policy.exchanges
    if not rules.available:
        return Answer(replies.render("exchange.unavailable"), {"available": False, "aspect": aspect})
    payer = {True: replies.render("exchange.payer_buyer"), False: replies.render("exchange.payer_shop")}
    insurance = policy.returns.freight_insurance
    values = {
        "window_days": rules.window_days,
        "kinds": LIST_SEPARATOR.join(rules.kinds),
        "return_payer": payer[rules.buyer_pays_return],
        "resend_payer": payer[not rules.shop_pays_resend],
        "steps": _steps(rules.steps),
        "per_order": rules.per_order or "",
        "when_sold_out": rules.when_sold_out or "",
        "cod": replies.render(
            "returns.cod_accepted" if policy.returns.accept_cash_on_delivery else "returns.cod_refused"
        ),
        "payout_min": yuan(insurance.payout_min),
        "payout_max": yuan(insurance.payout_max),
    }
    facts = {"available": True, "aspect": aspect}
    if aspect == "how":
        text = replies.render("exchange.how", **values)
    elif aspect == "postage":
        key = "exchange.postage_insured" if insurance.gifted_by_shop and rules.buyer_pays_return else "exchange.postage"
        text = replies.render(key, **values)
    elif aspect == "times":
        text = replies.render("exchange.times" if rules.per_order else "exchange.times_unlimited", **values)
    elif aspect == "sold_out":
        text = replies.render("exchange.sold_out_rule" if rules.when_sold_out else "exchange.sold_out_wait", **values)
    else:
        text = replies.render("exchange.send_back", **values)
    return Answer(text, facts)

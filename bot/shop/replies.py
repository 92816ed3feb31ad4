"""The shop's reply templates (data/shop/replies.yml): which exist, their fields, and rendering."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional

from pydantic import BaseModel, Extra, StrictStr

from bot.handoff.reasons import HandoffReason
from bot.shop.errors import Problem

#: A reply never runs longer than this many lines (Taobao practice: no walls of text).
MAX_LINES = 4


def _fields(*names: str) -> FrozenSet[str]:
    return frozenset(names)


_WHEN = ("now_time", "time_left", "cutoff", "when", "day_label", "date", "weekday")
_HOLIDAY = ("holiday", "holiday_start", "holiday_end", "holiday_note")
#: Passed to every size_advice template (bot/shop/sizing.py answer_size).
_BUYER = ("product", "size", "height", "weight", "runs", "note")
_PAIR = ("smaller", "larger")
#: Passed to every order reply (bot/orders/ (tracking, changes, aftersales)): the order's 尾号 and its goods.
_ORDER = ("tail", "items")
_RETURN = (*_ORDER, "signed", "days", "deadline", "days_since")
#: Passed to every return-rule answer (bot/shop/returns.py answer_return_question).
_RETURN_RULES = ("days", "conditions", "postage_max", "payout_min", "payout_max", "cod", "steps", "refund_days",
                 "refund_note", "unmet")
#: Passed to every exchange-rule answer (bot/shop/returns.py answer_exchange_question).
_EXCHANGE_RULES = ("window_days", "kinds", "return_payer", "resend_payer", "steps", "per_order", "when_sold_out",
                   "cod", "payout_min", "payout_max")
#: Passed to every coupon template about one promotion (bot/shop/coupons.py).
_PROMOTION = ("name", "description", "conditions", "start", "end", "threshold", "off", "days")

#: Every template the code renders, by ``topic.key``, with the fields it may use. The loader
#: refuses a replies file that lacks one of these, adds one the code never renders, or uses a field
#: the code does not pass, so a rewording can never break an answer at run time.
SPEC: Dict[str, Dict[str, FrozenSet[str]]] = {
    "calendar": {
        "today": _fields(),
        "tomorrow": _fields(),
        "day_after_tomorrow": _fields(),
        "next_week": _fields("weekday"),
        "date": _fields("month", "day"),
        "day_with_date": _fields("label", "date"),
    },
    "shipping_time": {
        "today": _fields(*_WHEN),
        "after_cutoff": _fields(*_WHEN),
        "rest_day": _fields(*_WHEN),
        "before_holiday": _fields(*_WHEN, *_HOLIDAY),
        "holiday_closure": _fields(*_WHEN, *_HOLIDAY),
        "delivery_region": _fields("region", "zone", "days"),
        "delivery_general": _fields("nearest_zone", "nearest_days", "other_days"),
        "delivery_unknown_region": _fields("region", "nearest_zone", "nearest_days", "other_days"),
        "cutoff": _fields("cutoff", "weekdays"),
        "warehouse": _fields("warehouse"),
        "delivery_only": _fields("region", "warehouse", "days"),
        "later_same_day": _fields("at_time", "cutoff", "when"),
        "later_next": _fields("at_time", "cutoff", "when"),
        "holiday_named": _fields(*_HOLIDAY, "last_day", "cutoff"),
        "holiday_agents": _fields(*_HOLIDAY, "last_day", "cutoff", "start", "end"),
        "holiday_agents_off": _fields(*_HOLIDAY, "last_day", "cutoff"),
        "later_day_ships": _fields("day", "cutoff", "when"),
        "later_day_rest": _fields("day", "when"),
    },
    "shipping_fee": {
        "general": _fields("threshold", "standard_fee", "remote_regions"),
        "rule_normal": _fields("region", "threshold", "standard_fee"),
        "rule_remote": _fields("region", "fee"),
        "rule_remote_free_over": _fields("region", "fee", "remote_threshold"),
        "amount_free": _fields("region", "amount"),
        "amount_short": _fields("region", "amount", "gap", "fee"),
        "amount_fee": _fields("region", "amount", "fee"),
        "unknown_region": _fields("region"),
        "ask_region": _fields(),
        **{key: _fields("amount", "region", "fee", "threshold", "gap") for key in (
            "order_free", "order_short", "order_never_free", "order_free_general", "order_short_general",
        )},
    },
    "courier": {
        "option_free": _fields("name"),
        "option_surcharge": _fields("name", "surcharge"),
        "overview": _fields("default", "options"),
        "overview_regional": _fields("courier", "regions"),
        "overview_unavailable": _fields("unavailable"),
        "is_default": _fields("courier"),
        "regional_default": _fields("courier", "region"),
        "free_choice": _fields("courier"),
        "surcharge": _fields("courier", "surcharge"),
        "unavailable": _fields("courier", "default", "options", "note"),
        "unknown": _fields("courier", "default", "options"),
    },
    "returns": {
        "window": _fields("days", "conditions"),
        "window_product": _fields("product", "days", "conditions"),
        "excluded": _fields("product", "category", "excluded_note"),
        "postage_overview": _fields("payout_min", "payout_max"),
        "quality": _fields("postage_max", "cod"),
        "quality_no_photos": _fields("postage_max", "cod"),
        "not_quality": _fields("payout_min", "payout_max"),
        "not_quality_insured": _fields("payout_min", "payout_max"),
        "cod_refused": _fields(),
        "cod_accepted": _fields(),
        "how_to_file_no_reason": _fields("steps", "refund_days"),
        "how_to_file_quality": _fields("steps", "refund_days"),
        "window_closed": _fields("product", "days", "deadline"),
        **{key: _fields(*_RETURN_RULES) for key in (
            "quality_short", "photos", "no_photos", "cod", "insurance_gifted", "insurance_own", "conditions",
            "unmet", "refund_days", "refund_where", "send_back",
        )},
    },
    "exchange": {
        "how": _fields("window_days", "kinds", "return_payer", "resend_payer", "steps"),
        "payer_buyer": _fields(),
        "payer_shop": _fields(),
        "unavailable": _fields(),
        **{key: _fields(*_EXCHANGE_RULES) for key in (
            "postage", "postage_insured", "times", "times_unlimited", "sold_out_rule", "sold_out_wait", "send_back",
        )},
    },
    "invoice": {
        "overview": _fields("kind", "issue_within_days", "title_types", "company_fields", "amount_note"),
        "company": _fields("kind", "company_fields", "issue_within_days"),
        "special_vat_no": _fields("kind"),
        "special_vat_yes": _fields("kind", "company_fields"),
        "paper_no": _fields("kind"),
        "amount": _fields("kind", "basis", "parts"),
        "not_invoiced": _fields("kind", "basis", "parts"),
        "unavailable": _fields(),
    },
    "payment": {
        "overview": _fields("methods"),
        "overview_instalments": _fields("min_amount", "periods"),
        "overview_no_cash_on_delivery": _fields(),
        "overview_cash_on_delivery": _fields(),
        "no_cash_on_delivery": _fields("methods"),
        "cash_on_delivery": _fields(),
        "huabei": _fields(),
        "huabei_no": _fields("methods"),
        "instalments": _fields("min_amount", "periods"),
        "instalments_interest_free": _fields("min_amount", "periods", "free_periods"),
        "instalments_no": _fields("methods"),
        "proxy_pay": _fields("steps"),
        "proxy_pay_no": _fields(),
        "credit_card": _fields("note"),
        "credit_card_no": _fields("methods"),
        "failure": _fields("tips"),
        "proxy_pay_how": _fields("steps"),
        "bank_cards": _fields("cards", "note", "methods"),
        "credit_card_sale": _fields("note", "methods"),
        "instalments_ok": _fields("amount", "min_amount", "periods", "free_periods"),
        "instalments_short": _fields("amount", "gap", "min_amount", "periods", "free_periods", "methods"),
        "instalments_period_free": _fields("period", "min_amount", "periods", "free_periods"),
        "instalments_period_fee": _fields("period", "min_amount", "periods", "free_periods"),
        "instalments_period_no": _fields("period", "min_amount", "periods", "free_periods"),
        "instalments_which_free": _fields("min_amount", "periods", "free_periods", "fee_periods"),
        "instalments_all_free": _fields("min_amount", "periods", "free_periods", "fee_periods"),
        "instalments_none_free": _fields("min_amount", "periods", "free_periods", "fee_periods"),
    },
    "promotions": {
        "live_intro": _fields("count"),
        "item": _fields("name", "description", "conditions", "end"),
        "none_next": _fields("name", "start"),
        "none": _fields(),
    },
    "bargain": {
        "hold": _fields(),
        "hold_product": _fields("product", "price"),
        "hold_promotions": _fields("promotions"),
        "hold_price_after": _fields("product", "promotion", "final_price"),
        "hold_no_promotions": _fields(),
        "hand_off": _fields(),
        "hand_off_over_limit": _fields("amount"),
        "hand_off_offline": _fields("next"),
    },
    "size_advice": {
        "recommend": _fields(*_BUYER),
        "why_fits": _fields(*_BUYER, "height_range", "weight_range"),
        "why_shifted": _fields(*_BUYER, "height_range", "weight_range", "from_size"),
        "why_preference": _fields(*_BUYER, *_PAIR, "preference", "height_range", "weight_range"),
        "why_usual": _fields(*_BUYER, *_PAIR, "usual_size", "height_range", "weight_range"),
        "why_weight": _fields(*_BUYER, *_PAIR, "height_size", "weight_size", "height_range", "weight_range"),
        "between_other": _fields(*_BUYER, *_PAIR),
        "between_ask": _fields(*_BUYER, *_PAIR, "chart_height", "chart_weight"),
        "far_apart": _fields(*_BUYER, *_PAIR, "chart_height", "chart_weight"),
        "out_of_range": _fields(*_BUYER, "chart_height", "chart_weight"),
        "model": _fields(*_BUYER, "model_height", "model_weight", "model_size"),
        "no_model": _fields(*_BUYER),
        "implausible": _fields("height", "weight"),
        "no_chart": _fields("product", "note"),
        "one_size": _fields("product", "size", "note"),
        "why_choose_by": _fields(*_BUYER, *_PAIR, "height_size", "weight_size", "height_range", "weight_range"),
        "why_runs_between": _fields(*_BUYER, *_PAIR, "height_range", "weight_range"),
        "why_body": _fields(*_BUYER, "from_size", "body", "measure", "cm", "height_range", "weight_range"),
        "why_layering_fits": _fields(*_BUYER, "from_size", "layering", "height_range", "weight_range"),
        "why_layering_up": _fields(*_BUYER, "from_size", "layering", "height_range", "weight_range"),
        "why_loose_up": _fields(*_BUYER, "from_size", "height_range", "weight_range"),
        "why_fitted_down": _fields(*_BUYER, "from_size", "height_range", "weight_range"),
        "why_usual_fits": _fields(*_BUYER, "from_size", "usual_size", "height_range", "weight_range"),
        "why_usual_runs": _fields(*_BUYER, "from_size", "usual_size", "height_range", "weight_range"),
        "why_usual_kept": _fields(*_BUYER, "from_size", "usual_size", "height_range", "weight_range"),
        "pair_pick": _fields(*_BUYER, *_PAIR),
        "pair_other": _fields(*_BUYER, *_PAIR),
        "body_hips": _fields(),
        "body_thighs": _fields(),
        "body_shoulders": _fields(),
        "body_belly": _fields(),
        "person": _fields("person", "height", "weight", "size"),
        "person_none": _fields("person", "height", "weight"),
        "people": _fields("product", "people"),
        "by_waist": _fields("product", "waist", "size", "cm"),
        "by_waist_check": _fields(),
        "by_waist_over": _fields("product", "waist", "largest", "cm"),
    },
    "service_hours": {
        "on_duty": _fields("start", "end"),
        "off_duty": _fields("start", "end", "next"),
        "holiday_hours": _fields("holiday", "start", "end"),
        "holiday_off": _fields("holiday", "holiday_start", "holiday_end", "next"),
    },
    # bot/shop/coupons.py: one question about coupons and events
    "coupon": {
        **{key: _fields(*_PROMOTION) for key in (
            "get_coupon", "get_discount", "valid_days", "ends", "over", "coming", "live", "members_only", "rule",
            "when",
        )},
        "stack_no": _fields("names", "per_order"),
        "stack_yes": _fields("discount", "coupon"),
        "per_order": _fields("per_order"),
        "now_instead": _fields("names"),
        "not_for_product": _fields(*_PROMOTION, "product"),
        "short": _fields(*_PROMOTION, "amount", "gap"),
        "usable": _fields(*_PROMOTION, "amount", "after"),
    },
    # bot/shop/comparison.py: two products compared
    "compare": {
        "winner": _fields("winner", "word"),
        "no_winner": _fields("first", "second"),
        "fact": _fields("name", "fact"),
        "unsaid": _fields(),
        "price": _fields("winner", "word", "dearer", "cheaper", "dear_price", "cheap_price", "diff"),
        "same_price": _fields("winner", "word", "dearer", "cheaper", "dear_price", "cheap_price", "diff"),
        "price_fact": _fields("price"),
    },
    # bot/shop/price_quote.py: what an order costs
    "price": {
        "item": _fields("name", "quantity"),
        "total": _fields("items", "subtotal", "adjustments", "total", "goods"),
        "separator": _fields(),
        "discount": _fields("promotion", "off"),
        "postage": _fields("region", "fee"),
        "postage_region": _fields("region", "fee"),
        "postage_free": _fields(),
        "surcharge": _fields("courier", "surcharge"),
        "next_coupon": _fields("promotion", "gap", "items", "subtotal", "total", "goods"),
        "next_postage": _fields("gap", "items", "subtotal", "total", "goods"),
        "gap_coupon": _fields("promotion", "gap", "items", "subtotal", "total", "goods"),
        "gap_postage": _fields("gap", "items", "subtotal", "total", "goods"),
        "gap_none": _fields("items", "subtotal", "total", "goods"),
        "same_price": _fields("name", "color", "price", "total"),
        "event_saving": _fields("promotion", "start", "end", "total", "now_total", "saving", "conditions"),
        "event_no_saving": _fields("promotion", "start", "end", "total", "now_total", "saving", "conditions"),
    },
    # bot/shop/product_facts.py answer_product_question
    "product_facts": {
        "summary": _fields("name", "price", "fabric", "thickness", "colors", "sizes"),
        "summary_no_thickness": _fields("name", "price", "fabric", "colors", "sizes"),
        "one": _fields("product", "fact"),
        "several": _fields("product", "facts"),
        "unknown_only": _fields("product", "attributes"),
        "unknown_after": _fields("product", "attributes"),
        "fabric": _fields("fabric"),
        "pilling": _fields("pilling"),
        "fading": _fields("fading"),
        "shrinking": _fields("shrinking"),
        "see_through": _fields("see_through"),
        "warmth": _fields("warmth"),
        "workmanship": _fields("workmanship"),
        "care": _fields("care"),
        "genuine": _fields("authenticity"),
        **{f"thickness_{k}": _fields() for k in ("thin", "medium", "thick", "extra_thick")},
        **{f"stretch_{k}": _fields() for k in ("none", "slight", "stretchy")},
        "colors": _fields("colors", "count"),
        "for_color": _fields("color", "fact"),
        "unknown_question": _fields("product"),
        "model": _fields("height", "weight", "size"),
        "measure_one": _fields("size", "name", "cm"),
        "measure_all": _fields("name", "table"),
        "measurements_all": _fields("table"),
        "measurements_size": _fields("size", "measures"),
        "size_measures": _fields("size", "measures"),
        "no_size": _fields("size", "sizes"),
        **{f"label_{k}": _fields() for k in (
            "fabric", "pilling", "fading", "shrinking", "thickness", "see_through", "stretch",
            "warmth", "care", "genuine", "measurements", "workmanship", "colors", "model",
        )},
        **{f"measure_{k}": _fields() for k in (
            "length", "length_top", "length_trousers", "length_skirt",
            "bust", "waist", "hip", "shoulder", "sleeve", "thigh",
        )},
    },
    # bot/shop/stock.py answer_stock
    "stock": {
        "lead": _fields("text"),
        "size_label": _fields("size"),
        "in_stock": _fields("color", "size"),
        "low_stock": _fields("color", "size", "count"),
        "sold_out_restock": _fields("color", "size", "date"),
        "sold_out": _fields("color", "size"),
        "same_size_others": _fields("size", "colors"),
        "color_all": _fields("color"),
        "color_some": _fields("color", "in_sizes", "items"),
        "color_none": _fields("color", "items"),
        "size_all": _fields("size"),
        "size_some": _fields("size", "in_colors", "items"),
        "size_none": _fields("size", "items"),
        "summary_all": _fields("product"),
        "summary_some": _fields("product", "items"),
        "sold_item_restock": _fields("variant", "date"),
        "sold_item": _fields("variant"),
        "low_line": _fields("items"),
        "low_item": _fields("variant", "count"),
        "variant_color_size": _fields("color", "size"),
        "variant_color": _fields("color"),
        "family": _fields("color", "options"),
        "no_color": _fields("product", "color", "colors"),
        "no_size": _fields("product", "size", "sizes"),
        "unknown": _fields("product"),
    },
    # bot/shop/recommendation.py answer_recommendation
    "recommendation": {
        "ask": _fields(),
        "intro_one": _fields(),
        "intro_two": _fields(),
        "item": _fields("name", "short", "price", "reasons"),
        "item_plain": _fields("name", "short", "price"),
        "reason_occasion": _fields("occasion"),
        "reason_color": _fields("color"),
        "reason_budget": _fields("budget"),
        "reason_cheaper": _fields("than"),
        "reason_gender": _fields("gender"),
        "reason_unisex": _fields("gender"),
        "miss_budget": _fields("budget", "over"),
        "miss_cheaper": _fields("than"),
        "miss_color": _fields("color", "colors"),
        "miss_occasion": _fields("occasion"),
        "closest": _fields(),
        "no_match": _fields(),
        "no_match_garment": _fields("garment"),
        "no_match_gender_garment": _fields("gender", "garment"),
        "closing": _fields(),
    },
    # bot/orders/ (tracking, changes, aftersales): orders looked up in the order store
    "order": {
        "label": _fields("date", "items", "tail"),
        "label_item": _fields("name", "color", "size"),
        "label_more": _fields("item", "count"),
        "moment": _fields("day", "time"),
        "bought": _fields("day", "items", "total", "tail"),
    },
    "order_track": {
        "unpaid": _fields(*_ORDER, "when", "cutoff"),
        "paid": _fields(*_ORDER, "when"),
        "paid_overdue": _fields(*_ORDER, "when"),
        "packed": _fields(*_ORDER, "courier", "tracking_no"),
        "shipped": _fields(*_ORDER, "courier", "tracking_no", "shipped"),
        "last_event": _fields("event_time", "event"),
        "no_events": _fields(),
        "arrival": _fields("region", "days", "arrival"),
        "arrival_only": _fields(*_ORDER, "shipped", "courier", "region", "days", "arrival"),
        "late": _fields(*_ORDER, "courier", "tracking_no", "shipped", "arrival"),
        "late_hand_off": _fields("courier", "tracking_no"),
        "signed": _fields(*_ORDER, "signed"),
        "closed": _fields(*_ORDER),
    },
    "order_modify": {
        "ask": _fields(*_ORDER),
        "change_address": _fields("address"),
        "change_item": _fields("product", "variant"),
        "change_remark": _fields("remark"),
        "confirm": _fields(*_ORDER, "changes"),
        "done": _fields(*_ORDER, "changes"),
        "self_address": _fields(*_ORDER, "steps"),
        "self_item": _fields(*_ORDER, "product", "variant"),
        "no_color": _fields("product", "color", "colors"),
        "no_size": _fields("product", "size", "sizes"),
        "sold_out": _fields("product", "variant"),
        "what_address": _fields(),
        "ask_address": _fields(*_ORDER),
        "what_item": _fields(),
        "what_remark": _fields(),
        "refuse_packed": _fields(*_ORDER, "what"),
        "refuse_shipped": _fields(*_ORDER, "what", "shipped", "courier", "days"),
        "redirect_try": _fields("courier"),
        "refuse_signed": _fields(*_ORDER, "days"),
        "refuse_closed": _fields(*_ORDER),
    },
    "order_cancel": {
        "self_service": _fields(*_ORDER, "steps"),
        "confirm": _fields(*_ORDER, "amount", "refund_note"),
        "done": _fields(*_ORDER, "amount", "refund_note"),
        "packed": _fields(*_ORDER),
        "shipped": _fields(*_ORDER, "shipped", "courier", "days"),
        "signed": _fields(*_ORDER, "days"),
        "closed": _fields(*_ORDER),
    },
    "order_return": {
        "not_shipped": _fields(*_ORDER),
        "in_transit": _fields(*_ORDER, "days"),
        "closed": _fields(*_ORDER),
        "eligible": _fields(*_RETURN),
        "conditions": _fields("conditions"),
        "eligible_quality": _fields(*_RETURN),
        "window_closed": _fields(*_RETURN),
        "quality_late": _fields(*_RETURN),
        "kind_return": _fields(),
        "kind_exchange": _fields(),
        "kind_refund": _fields(),
        "recorded": _fields(*_ORDER, "kind"),
        "exchange_steps": _fields("steps"),
        "quality_postage": _fields("postage_max"),
    },
    "order_exchange": {
        key: _fields(*_ORDER, "variant", "days", "when_sold_out")
        for key in ("ask_target", "recorded", "reason", "or_return")
    } | {
        "sold_out": _fields(*_ORDER, "variant", "days", "when_sold_out", "restock"),
        "restock": _fields("date"),
        "others": _fields(*_ORDER, "variant", "days", "when_sold_out", "colors", "size"),
    },
    "order_refund": {
        key: _fields(*_ORDER, "kind", "date", "refund_by", "amount", "refund_days", "refund_note")
        for key in (
            "none", "requested", "approved", "returned", "exchange_returned", "late", "refunded", "rejected",
        )
    },
    "order_complaint": {
        key: _fields(*_ORDER, "postage_max")
        for key in (
            "wrong_item", "missing_item", "damaged", "color_difference", "other",
            "ask_details", "ask_photo", "recorded", "not_shipped",
        )
    },
    # Written into the order's remarks for the warehouse and colleagues, never sent to the buyer.
    "order_remarks": {
        "address": _fields("date", "old", "new"),
        "item": _fields("date", "product", "old", "new"),
        "remark": _fields("date", "remark"),
        "cancel": _fields("date", "amount"),
        "return": _fields("date", "kind", "reason"),
        "complaint": _fields("date", "kind", "description"),
    },
}


class Replies(BaseModel):
    """The reply templates, topic -> key -> ``str.format`` template."""

    __root__: Dict[StrictStr, Dict[StrictStr, StrictStr]]

    class Config:
        extra = Extra.forbid
        allow_mutation = False

    def template(self, key: str) -> str:
        """The raw template of ``topic.key``.

        Raises:
            KeyError: no such template (the loader's check makes this a programming error).
        """
        topic, _, name = key.partition(".")
        return self.__root__[topic][name]

    def render(self, key: str, **values: Any) -> str:
        """Fill the template ``topic.key`` with named values.

        Args:
            key: e.g. ``shipping_time.today``.
            **values: the fields; extra ones are ignored, so one dict can serve several templates.

        Returns:
            The filled text, stripped of surrounding blank space.
        """
        return self.template(key).format_map(_Values(values)).strip()

    def cross_check(self) -> List[Problem]:
        """Compare the file with SPEC: keys missing or unknown, fields the code does not pass, length.

        Returns:
            (field path, problem) pairs; empty when every template is usable.
        """
        problems: List[Problem] = []
        for topic, keys in self.__root__.items():
            if topic not in SPEC:
                problems.append((topic, f"unknown topic; expected one of {', '.join(SPEC)} 未知分组"))
                continue
            for name in keys:
                if name not in SPEC[topic]:
                    problems.append((f"{topic}.{name}", "unknown reply key (spelling mistake?) 未知回复键"))
        for topic, keys in SPEC.items():
            for name, allowed in keys.items():
                path = f"{topic}.{name}"
                text = self.__root__.get(topic, {}).get(name)
                if text is None:
                    problems.append((path, "reply is missing 缺少这条回复"))
                    continue
                problems.extend((path, p) for p in template_problems(text, allowed))
        return problems


def template_problems(text: str, allowed: FrozenSet[str]) -> List[str]:
    """What is wrong with one reply template: empty, too many lines, bad braces, unknown fields.

    Args:
        text: the template as the shop owner wrote it.
        allowed: the placeholder names the code fills in for it.

    Returns:
        Readable problems; empty when the template is usable.
    """
    problems = []
    if not text.strip():
        problems.append("reply is empty 回复为空")
    lines = text.strip().splitlines()
    if len(lines) > MAX_LINES:
        problems.append(f"reply has {len(lines)} lines; at most {MAX_LINES} 回复不超过{MAX_LINES}行")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        return problems + [f"bad braces in template: {exc} 花括号不配对（字面花括号请写成 {{{{ }}}}）"]
    for _, name, _, _ in parsed:
        if name is None:
            continue
        if name not in allowed:
            hint = ", ".join(sorted(allowed)) or "none"
            problems.append(f"unknown field {{{name}}}; this reply can use: {hint} 未知占位符")
    return problems


class _Values(dict):
    """format_map mapping that fails loudly, naming the template field that has no value."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"reply field {{{key}}} has no value")


@dataclass(frozen=True)
class Answer:
    """A reply ready to send, and the facts it was rendered from.

    Attributes:
        text: the Chinese reply, at most four lines.
        facts: what the reply states, for tests and for the caller's slots (region, fee, date...).
        hand_off_reason: set when a human agent should take over (bot.handoff.reasons).
    """

    text: str
    facts: Dict[str, Any] = field(default_factory=dict)
    hand_off_reason: Optional[HandoffReason] = None

    @property
    def lines(self) -> List[str]:
        """The reply's lines."""
        return self.text.splitlines()


def join_lines(*parts: Optional[str]) -> str:
    """Join rendered pieces into one reply, one piece per line, skipping empty ones.

    If an owner's rewording makes the pieces run past MAX_LINES, the overflow is appended to the
    last line rather than dropped or raised: the buyer still gets every fact, in four lines.
    """
    lines: List[str] = []
    for part in parts:
        if part:
            lines.extend(line.strip() for line in part.splitlines() if line.strip())
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES - 1] + [" ".join(lines[MAX_LINES - 1 :])]
    return "\n".join(lines)

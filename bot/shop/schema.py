"""Pydantic models of the shop policy (data/shop/policy.yml) and its cross-checks."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import pairwise
from string import Formatter
from typing import Dict, List, Literal, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import PrivateAttr, StrictBool, confloat, conint, root_validator, validator

from bot.handoff.reasons import HANDOFF_REASONS
from bot.shop.catalogue import normalise_name
from bot.shop.errors import Problem
from bot.shop.fields import ClockTime, Days, Money, PositiveInt, Slug, StrictModel, Text

Weekday = Literal["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
#: Chinese weekday names in ``date.weekday()`` order.
WEEKDAYS: List[str] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]

# Written after a region's short name in full or official names (新疆维吾尔自治区, 北京市, 广东省);
# stripped so an owner need not list every official form as an alias.
_REGION_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
    "盟",
)


def _unique(values: List[str], what: str) -> List[str]:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice 重复")
        seen.add(value)
    return values


class ShopInfo(StrictModel):
    """Who the shop is and where it ships from."""

    name: Text
    platform: Literal["天猫", "淘宝"]
    timezone: Text
    warehouse: Text
    #: What an agent says when asked 是不是正品 (true of every product); absent = a colleague answers.
    authenticity: Optional[Text] = None

    @validator("timezone")
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r}, e.g. Asia/Shanghai 时区名称无效") from None
        return value


class TimeRange(StrictModel):
    """A daily span of wall-clock time, e.g. 09:00–23:00."""

    start: ClockTime
    end: ClockTime

    @root_validator(skip_on_failure=True)
    def _end_after_start(cls, values: dict) -> dict:
        if values["end"] <= values["start"]:
            raise ValueError("end must be later than start 结束时间必须晚于开始时间")
        return values

    def contains(self, moment: time) -> bool:
        """Whether a wall-clock time falls in [start, end)."""
        return self.start <= moment < self.end


class ServiceHours(StrictModel):
    """When human agents answer (the bot answers at any time)."""

    daily: TimeRange
    note: Text


class Holiday(StrictModel):
    """A closure of the warehouse (no dispatch) such as 春节, with the agents' hours meanwhile."""

    name: Text
    #: What buyers call it besides its name (五一, 国庆, 过年); the name without 节 counts too (清明, 中秋).
    aliases: List[Text] = []
    start: date
    end: date
    note: Text
    #: Human agents' hours during the closure; absent = the usual daily hours.
    agent_hours: Optional[TimeRange] = None
    #: True when no human agent is on duty at all during the closure.
    agents_off: StrictBool = False

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict) -> dict:
        if values["end"] < values["start"]:
            raise ValueError("end is before start 结束日期早于开始日期")
        if values["agents_off"] and values["agent_hours"] is not None:
            raise ValueError("give agent_hours or agents_off: true, not both")
        return values

    def covers(self, day: date) -> bool:
        """Whether a calendar day falls in the closure (both ends included)."""
        return self.start <= day <= self.end

    def words(self) -> List[str]:
        """The ways a buyer names it: its name, the name without 节, its aliases."""
        short = self.name[:-1] if self.name.endswith("节") and len(self.name) > 2 else None
        return [self.name, *([short] if short else []), *self.aliases]


class Dispatch(StrictModel):
    """When paid orders leave the warehouse."""

    cutoff: ClockTime
    weekdays: List[Weekday]
    #: Extra dispatch days on days not in ``weekdays`` (调休上班), e.g. a Saturday before 春节.
    make_up_days: List[date] = []
    note: Optional[Text] = None

    @validator("weekdays")
    def _some_weekdays(cls, value: List[str]) -> List[str]:
        if not value:
            raise ValueError("list at least one dispatch weekday 至少一个发货日")
        return _unique(value, "weekday")


class Courier(StrictModel):
    """A courier company the shop ships with, or that buyers ask about."""

    name: Text
    aliases: List[Text] = []
    available: StrictBool
    #: Extra postage in yuan when a buyer chooses this courier instead of the default.
    surcharge: Money = 0.0
    #: Regions this courier is used for by default (e.g. EMS for the far west).
    default_for_regions: List[Text] = []
    note: Optional[Text] = None

    def names(self) -> List[str]:
        """The courier's name followed by its aliases."""
        return [self.name, *self.aliases]


class Region(StrictModel):
    """A province-level delivery region with the other names buyers use for it."""

    name: Text
    aliases: List[Text] = []
    #: Big cities, so "寄乌鲁木齐" resolves to 新疆.
    cities: List[Text] = []


class DeliveryZone(StrictModel):
    """Regions with the same delivery time after dispatch."""

    name: Text
    regions: List[Text]
    days_min: Days
    days_max: Days

    @root_validator(skip_on_failure=True)
    def _range(cls, values: dict) -> dict:
        if values["days_max"] < values["days_min"]:
            raise ValueError("days_max is less than days_min 天数范围有误")
        if not values["regions"]:
            raise ValueError("list at least one region")
        return values


class RemotePostage(StrictModel):
    """A region left out of free shipping, with its own postage."""

    region: Text
    fee: Money
    #: Orders at or over this amount ship free even here; absent = never free.
    free_threshold: Optional[Money] = None


class Postage(StrictModel):
    """What shipping costs the buyer."""

    standard_fee: Money
    free_threshold: Money
    remote: List[RemotePostage] = []
    note: Optional[Text] = None


class FreightInsurance(StrictModel):
    """运费险: insurance that pays the buyer's return postage on a no-reason return."""

    gifted_by_shop: StrictBool
    payout_min: Money
    payout_max: Money
    note: Text

    @root_validator(skip_on_failure=True)
    def _range(cls, values: dict) -> dict:
        if values["payout_max"] < values["payout_min"]:
            raise ValueError("payout_max is less than payout_min")
        return values


class Returns(StrictModel):
    """Returns: 7-day no-reason returns, quality returns, and who pays the postage back."""

    no_reason_days: PositiveInt
    conditions: List[Text]
    excluded_categories: List[Text] = []
    excluded_note: Text
    #: Return postage the shop reimburses on a quality return, at most (yuan).
    quality_postage_max: Money
    quality_needs_photos: StrictBool
    accept_cash_on_delivery: StrictBool
    freight_insurance: FreightInsurance
    filing_steps: List[Text]
    refund_days: Days

    @validator("conditions", "filing_steps")
    def _not_empty(cls, value: List[str]) -> List[str]:
        if not value:
            raise ValueError("list at least one 至少填写一项")
        return value


class Exchanges(StrictModel):
    """Exchanging for another size or colour."""

    available: StrictBool
    window_days: Days
    kinds: List[Text]
    buyer_pays_return: StrictBool
    shop_pays_resend: StrictBool
    steps: List[Text]
    #: How many times one order may be exchanged (每个订单限换一次).
    per_order: Optional[PositiveInt] = None
    #: What the buyer can do instead when the wanted size or colour is sold out (退货退款).
    when_sold_out: Optional[Text] = None
    note: Optional[Text] = None


class InvoiceKeywords(StrictModel):
    """Words in a buyer's message that pick an invoice topic."""

    special_vat: List[Text]
    paper: List[Text]
    company: List[Text]


class Invoices(StrictModel):
    """Invoices (发票)."""

    available: StrictBool
    kind: Text
    #: Issued within this many days of the request, once the buyer has confirmed receipt.
    issue_within_days: PositiveInt
    title_types: List[Text]
    company_fields: List[Text]
    special_vat: StrictBool
    paper: StrictBool
    amount_note: Text
    #: What the invoice's amount is (实付金额), and the parts of a payment not invoiced (优惠券, 运费险).
    amount_basis: Optional[Text] = None
    not_invoiced: List[Text] = []
    keywords: InvoiceKeywords


class Pricing(StrictModel):
    """Price policy and how far an agent may go."""

    fixed_prices: StrictBool
    #: Largest price concession an agent grants on their own; above it a supervisor decides.
    agent_discount_max: Money
    #: Largest compensation for a minor quality issue (usually not above the postage).
    compensation_max: Money
    supervisor_note: Text
    #: Coupons (promotions of kind ``coupon``) one order can use; discounts stack with them.
    coupons_per_order: PositiveInt = 1


class Promotion(StrictModel):
    """A promotion or coupon, live from ``start`` to ``end`` (both days included, shop time).

    ``kind`` says how it combines with others: a ``coupon`` is claimed by the buyer and an order uses at
    most ``pricing.coupons_per_order`` of them (the store coupon and the new-member coupon are both store
    coupons); a ``discount`` (满减活动, 折扣) applies by itself and stacks with one coupon.
    """

    id: Slug
    name: Text
    aliases: List[Text] = []
    kind: Literal["coupon", "discount"] = "discount"
    description: Text
    conditions: Text
    #: A coupon valid this many days from the day it is claimed (领取后30天内有效), when not until ``end``.
    valid_days: Optional[PositiveInt] = None
    start: date
    end: date
    #: 满减: the order amount needed...
    threshold: Optional[Money] = None
    #: ...and the yuan taken off.
    amount_off: Optional[Money] = None
    #: 折扣: price multiplied by this (0.85 = 85折).
    rate: Optional[confloat(gt=0, lt=1, strict=True)] = None  # type: ignore[valid-type]
    new_members_only: StrictBool = False
    #: Catalogue ids of the products it applies to; empty = the whole shop.
    product_ids: List[Slug] = []

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict) -> dict:
        if values["end"] < values["start"]:
            raise ValueError("end is before start 结束日期早于开始日期")
        threshold, amount_off = values.get("threshold"), values.get("amount_off")
        if threshold is not None and amount_off is not None and amount_off >= threshold:
            raise ValueError("amount_off must be less than threshold 减免金额应小于门槛")
        if amount_off is not None and values.get("rate") is not None:
            raise ValueError("give amount_off or rate, not both")
        # The bot quotes the description to buyers and computes with the threshold: they must agree.
        said_no_threshold = any("无门槛" in values[field] for field in ("description", "conditions"))
        if said_no_threshold and threshold is not None:
            raise ValueError(
                f"the text says 无门槛 but threshold is {threshold}: drop one of them 文案写了无门槛，却设了门槛"
            )
        return values

    def live_on(self, day: date) -> bool:
        """Whether the promotion runs on a calendar day."""
        return self.start <= day <= self.end

    def applies_to(self, product_id: str) -> bool:
        """Whether the promotion covers a product (by catalogue id)."""
        return not self.product_ids or product_id in self.product_ids


class Instalments(StrictModel):
    """花呗分期."""

    available: StrictBool
    min_amount: Money
    periods: List[PositiveInt]
    interest_free_periods: List[PositiveInt] = []

    @root_validator(skip_on_failure=True)
    def _free_in_periods(cls, values: dict) -> dict:
        extra = set(values["interest_free_periods"]) - set(values["periods"])
        if extra:
            raise ValueError(f"interest_free_periods {sorted(extra)} are not in periods")
        return values


class PaymentKeywords(StrictModel):
    """Words in a buyer's message that pick a payment topic."""

    instalments: List[Text]
    huabei: List[Text]
    proxy_pay: List[Text]
    credit_card: List[Text]
    cash_on_delivery: List[Text]
    failure: List[Text]


class Payment(StrictModel):
    """How buyers can pay."""

    methods: List[Text]
    huabei: StrictBool
    instalments: Instalments
    proxy_pay: StrictBool
    proxy_pay_steps: Text
    credit_card: StrictBool
    credit_card_note: Optional[Text] = None
    cash_on_delivery: StrictBool
    failure_tips: List[Text]
    keywords: PaymentKeywords


FlagColour = Literal["红旗", "黄旗", "绿旗", "蓝旗", "紫旗"]


class OrderFlags(StrictModel):
    """Which flag colour (插旗) marks an order remark, by purpose, so the warehouse sees it at a glance."""

    address_change: FlagColour
    item_change: FlagColour
    cancel: FlagColour
    after_sale: FlagColour
    other: FlagColour


class OrderHandling(StrictModel):
    """How agents and the bot handle existing orders: remarks, late parcels, self-service paths."""

    flags: OrderFlags
    #: A shipped parcel counts as late this many days after the latest day of its delivery estimate.
    late_after_days: Days
    #: Where a buyer changes the address of an unpaid order themselves.
    address_self_service_steps: List[Text]
    #: Where a buyer cancels an unpaid order themselves.
    cancel_self_service_steps: List[Text]
    #: How the money of a cancelled or refunded order comes back.
    refund_arrival_note: Text


# -- hand-off to a person (bot/handoff) ----------------------------------------------------------

HandoffPriority = Literal["urgent", "high", "normal"]
#: Fields a next_step may use: the agent's limits from ``pricing``.
NEXT_STEP_FIELDS = frozenset({"agent_discount_max", "compensation_max"})


def _check_next_step(value: str) -> str:
    try:
        names = {name for _, name, _, _ in Formatter().parse(value) if name is not None}
    except ValueError as error:
        raise ValueError(f"broken {{placeholder}}: {error} 花括号写错了") from None
    unknown = names - NEXT_STEP_FIELDS
    if unknown:
        raise ValueError(
            f"unknown field(s) {sorted(unknown)}; use {sorted(NEXT_STEP_FIELDS)} 只能用这些名字"
        )
    return value


class HandoffReason(StrictModel):
    """One reason to hand a chat to a person: whether it does, how urgently, what the agent does."""

    enabled: StrictBool = True
    priority: HandoffPriority
    #: A few words saying why, shown on the ticket (买家要求转人工).
    label: Text
    #: What the agent does next; may use {agent_discount_max} and {compensation_max}.
    next_step: Text

    _next_step = validator("next_step", allow_reuse=True)(_check_next_step)


class Handoff(StrictModel):
    """When the bot hands a chat to a person, and what the ticket tells the agent."""

    #: Words showing a buyer is angry (垃圾, 差评, 12315): a message with one goes to a person at once.
    angry_words: List[Text]
    #: The next step when no configured reason applies (a ticket opened by hand).
    default_next_step: Text
    #: Every reason key of HANDOFF_REASONS, configured.
    reasons: Dict[str, HandoffReason]
    #: The buyer's intents in words, for the ticket's summary (ask_size: 问尺码).
    intent_words: Dict[str, Text] = {}
    #: Order states in words, for the ticket's summary (shipped: 已发货).
    order_status_words: Dict[str, Text] = {}
    #: While the assistant is unreachable, how long a buyer's message waits for it (the service retries
    #: and answers when it is back) before a person takes the chat over.
    outage_wait_minutes: conint(ge=1, le=240) = 3  # type: ignore[valid-type]
    #: Words asking for a person (转人工): while the assistant is unreachable they go to a person at once.
    human_words: List[Text] = []

    _default_step = validator("default_next_step", allow_reuse=True)(_check_next_step)

    @validator("angry_words")
    def _angry_unique(cls, value: List[str]) -> List[str]:
        return _unique(value, "angry word")

    @validator("reasons")
    def _all_reasons(cls, value: Dict[str, HandoffReason]) -> Dict[str, HandoffReason]:
        unknown = sorted(set(value) - set(HANDOFF_REASONS))
        if unknown:
            raise ValueError(f"unknown reason(s) {unknown}; expected {list(HANDOFF_REASONS)} 未知原因")
        missing = [key for key in HANDOFF_REASONS if key not in value]
        if missing:
            raise ValueError(f"missing reason(s) {missing} 缺少原因")
        return value


class Console(StrictModel):
    """The agents' console: when a waiting buyer is highlighted, whether an urgent ticket rings, rating window."""

    #: A buyer whose last message has waited this long for an agent is highlighted in the queue.
    wait_warning_minutes: conint(strict=True, ge=1, le=240) = 3  # type: ignore[valid-type]
    #: A new urgent ticket plays a sound in the console (besides the badge).
    urgent_sound: StrictBool = True
    #: For how long after a ticket is resolved the buyer's page still offers to rate the service.
    rating_window_hours: conint(strict=True, ge=1, le=720) = 24  # type: ignore[valid-type]


class Policy(StrictModel):
    """The whole shop policy, as in data/shop/policy.yml."""

    shop: ShopInfo
    service_hours: ServiceHours
    dispatch: Dispatch
    holidays: List[Holiday] = []
    couriers: List[Courier]
    default_courier: Text
    regions: List[Region]
    delivery_zones: List[DeliveryZone]
    postage: Postage
    returns: Returns
    exchanges: Exchanges
    invoices: Invoices
    pricing: Pricing
    promotions: List[Promotion] = []
    payment: Payment
    orders: OrderHandling
    handoff: Handoff
    console: Console = Console()
    #: Shop words buyers use (七天无理由, 运费险...): added to the tokenizer's dictionary.
    glossary: List[Text] = []

    _region_index: Dict[str, str] = PrivateAttr(default_factory=dict)
    _courier_index: Dict[str, Courier] = PrivateAttr(default_factory=dict)

    def __init__(self, **data: object):
        super().__init__(**data)
        for region in self.regions:
            for key in (region.name, *region.aliases, *region.cities):
                self._region_index.setdefault(normalise_name(key), region.name)
        for courier in self.couriers:
            for key in courier.names():
                self._courier_index.setdefault(normalise_name(key), courier)

    # -- lookups -------------------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        """The shop's timezone."""
        return ZoneInfo(self.shop.timezone)

    def local(self, now: datetime) -> datetime:
        """``now`` in the shop's timezone.

        Raises:
            ValueError: ``now`` is naive; a naive time would silently be read as shop time.
        """
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(
                "now must be timezone-aware, e.g. datetime(..., tzinfo=ZoneInfo('Asia/Shanghai'))"
            )
        return now.astimezone(self.tz)

    def canonical_region(self, name: Optional[str]) -> Optional[str]:
        """Resolve what a buyer calls a delivery region to the policy's canonical province name.

        Accepts the short name (新疆), the official name (新疆维吾尔自治区), an alias (疆) or a big
        city (乌鲁木齐, 乌鲁木齐市), and finally any of these inside a longer phrase (寄到新疆那边).

        Args:
            name: the region as written.

        Returns:
            The canonical name such as ``新疆``, or None when unknown.
        """
        if not name:
            return None
        key = normalise_name(name)
        for candidate in (
            key,
            *(key[: -len(s)] for s in _REGION_SUFFIXES if key.endswith(s) and len(key) > len(s)),
        ):
            if candidate in self._region_index:
                return self._region_index[candidate]
        # Inside a phrase: the longest known name wins, so 海南 is not read out of 海南藏族自治州 etc.
        for known in sorted(self._region_index, key=len, reverse=True):
            if len(known) >= 2 and known in key:
                return self._region_index[known]
        return None

    def courier(self, name: Optional[str]) -> Optional[Courier]:
        """Find a courier by name or alias (顺丰, 顺丰速运, SF...); None when unknown."""
        if not name:
            return None
        key = normalise_name(name)
        if key in self._courier_index:
            return self._courier_index[key]
        for known in sorted(self._courier_index, key=len, reverse=True):
            if known in key:
                return self._courier_index[known]
        return None

    def zone_of(self, region: str) -> Optional[DeliveryZone]:
        """The delivery zone of a canonical region name."""
        for zone in self.delivery_zones:
            if region in zone.regions:
                return zone
        return None

    def remote_postage(self, region: str) -> Optional[RemotePostage]:
        """The remote-region postage entry of a canonical region, or None if it ships normally."""
        for entry in self.postage.remote:
            if entry.region == region:
                return entry
        return None

    def holiday_named(self, text: str, today: date) -> Optional[Holiday]:
        """The coming (or current) closure a message names (元旦, 五一, 国庆节), or None."""
        named = [h for h in self.holidays if h.end >= today and any(word in (text or "") for word in h.words())]
        return min(named, key=lambda h: h.start) if named else None

    def holiday_on(self, day: date) -> Optional[Holiday]:
        """The warehouse closure covering a day, if any."""
        for holiday in self.holidays:
            if holiday.covers(day):
                return holiday
        return None

    # -- cross-checks --------------------------------------------------------------------------

    def cross_check(self) -> List[Problem]:
        """Checks that span sections: references resolve, names are unique, tables are complete.

        Returns:
            (field path, problem) pairs; empty when the policy is consistent.
        """
        problems: List[Problem] = []
        region_names = [r.name for r in self.regions]
        known = set(region_names)

        owner: Dict[str, str] = {}
        for i, region in enumerate(self.regions):
            named = [("name", region.name)]
            named += [(f"aliases[{j}]", a) for j, a in enumerate(region.aliases)]
            named += [(f"cities[{j}]", c) for j, c in enumerate(region.cities)]
            for where, key in named:
                norm = normalise_name(key)
                if norm in owner and owner[norm] != region.name:
                    problems.append(
                        (f"regions[{i}].{where}", f"{key!r} also names region {owner[norm]!r} 地区名称重复")
                    )
                owner.setdefault(norm, region.name)
            if region_names.count(region.name) > 1 and region_names.index(region.name) != i:
                problems.append((f"regions[{i}].name", f"region {region.name!r} is listed twice 地区重复"))

        courier_owner: Dict[str, str] = {}
        for i, courier in enumerate(self.couriers):
            for j, key in enumerate(courier.names()):
                norm = normalise_name(key)
                if norm in courier_owner:
                    where = "name" if j == 0 else f"aliases[{j - 1}]"
                    problems.append(
                        (
                            f"couriers[{i}].{where}",
                            f"{key!r} also names courier {courier_owner[norm]!r} 快递名称重复",
                        )
                    )
                courier_owner.setdefault(norm, courier.name)
            for j, region in enumerate(courier.default_for_regions):
                if region not in known:
                    problems.append(
                        (f"couriers[{i}].default_for_regions[{j}]", f"unknown region {region!r} 未知地区")
                    )
        default = self.courier(self.default_courier)
        if default is None or normalise_name(self.default_courier) not in self._courier_index:
            problems.append(
                ("default_courier", f"{self.default_courier!r} is not in couriers 默认快递不在快递列表中")
            )
        elif not default.available:
            problems.append(("default_courier", f"{self.default_courier!r} is marked available: false"))

        zoned: Dict[str, str] = {}
        for i, zone in enumerate(self.delivery_zones):
            for j, region in enumerate(zone.regions):
                if region not in known:
                    problems.append(
                        (f"delivery_zones[{i}].regions[{j}]", f"unknown region {region!r} 未知地区")
                    )
                elif region in zoned:
                    problems.append(
                        (
                            f"delivery_zones[{i}].regions[{j}]",
                            f"{region!r} is already in zone {zoned[region]!r}",
                        )
                    )
                zoned.setdefault(region, zone.name)
        for name in region_names:
            if name not in zoned:
                problems.append(
                    ("delivery_zones", f"region {name!r} is in no delivery zone 该地区没有配送时效")
                )

        seen_remote = set()
        for i, entry in enumerate(self.postage.remote):
            if entry.region not in known:
                problems.append((f"postage.remote[{i}].region", f"unknown region {entry.region!r} 未知地区"))
            if entry.region in seen_remote:
                problems.append((f"postage.remote[{i}].region", f"{entry.region!r} is listed twice 重复"))
            seen_remote.add(entry.region)

        for i, day in enumerate(self.dispatch.make_up_days):
            if self.holiday_on(day) is not None:
                problems.append((f"dispatch.make_up_days[{i}]", f"{day} falls inside a holiday closure"))
        ordered = sorted(self.holidays, key=lambda h: h.start)
        for before, after in pairwise(ordered):
            if after.start <= before.end:
                i = self.holidays.index(after)
                problems.append((f"holidays[{i}]", f"overlaps holiday {before.name!r} 放假日期重叠"))

        ids = [p.id for p in self.promotions]
        for i, promo_id in enumerate(ids):
            if ids.index(promo_id) != i:
                problems.append((f"promotions[{i}].id", f"duplicate id {promo_id!r} 活动编号重复"))

        if self.pricing.compensation_max > self.pricing.agent_discount_max:
            problems.append(("pricing.compensation_max", "is above pricing.agent_discount_max"))
        return problems

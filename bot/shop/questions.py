"""What exactly a buyer asks, in context: the topic, the aspect of it, and what it is about (the products and
how many, the region, the courier, the coupon, the detail...), read from the message, its intent and
entities, and the question before it.

A message often says only what changed (那新疆呢, 两件呢, 那银行卡呢, 预算500以内, 想宽松点): it re-asks the
question before with that change. A question of its own still inherits the context: 包邮吗 or 能分期吗 after
a price is asked about that order. And a precise question is answered precisely: 这两张能一起用吗 is about
stacking coupons, not the list of promotions; 两件多少钱 is a price, not bargaining.

Pure logic: the words are read by bot.text (question cues, product details, quantities), the decision is
here, the answers are in the topic's module. ``None`` means the message is not a question read here (a
greeting, an order to track, a complaint): the intent's own answer applies.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from bot.shop.catalogue import Catalogue, Product
from bot.shop.coupons import named_promotions
from bot.shop.recommendation import recommendation_request
from bot.shop.schema import Policy
from bot.text.numerals import to_halfwidth
from bot.text.product_features import features_asked
from bot.text.size_habits import states_usual_size
from bot.text.question_cues import (
    ComparedOn,
    body_details,
    compared_on,
    is_follow_up,
    later_moment,
    people_count,
    quantities,
    question_cues,
)

# -- topics ---------------------------------------------------------------------------------------------
PRICE = "price"
PROMOTION = "promotion"
SHIPPING_FEE = "shipping_fee"
SHIPPING_TIME = "shipping_time"
COURIER = "courier"
PAYMENT = "payment"
INVOICE = "invoice"
RETURNS = "returns"
EXCHANGE = "exchange"
PRODUCT = "product"
COMPARE = "compare"
SIZE = "size"
RECOMMEND = "recommendation"
SERVICE_HOURS = "service_hours"
ORDER = "order"
WILL_BUY = "will_buy"
#: A product question's aspect when the message also asks whether a colour or size is in stock.
WITH_STOCK = "with_stock"
TOPICS = (PRICE, PROMOTION, SHIPPING_FEE, SHIPPING_TIME, COURIER, PAYMENT, INVOICE, RETURNS, EXCHANGE, PRODUCT,
          COMPARE, SIZE, RECOMMEND, SERVICE_HOURS, ORDER, WILL_BUY)

#: Intents that are never re-read: what they ask is already clear, and their own answer applies.
FIXED_INTENTS = ("greet", "goodbye", "thank", "bot_challenge", "track_order", "modify_order", "cancel_order")
#: Intents a precise cue may re-read (the classifier's topic is close, or a guess).
SOFT_INTENTS = ("inform", "nlu_fallback", "out_of_scope", "affirm", "deny")
#: The intent's own topic, when the message says nothing more precise.
INTENT_TOPICS = {
    "ask_promotion": PROMOTION,
    "ask_payment": PAYMENT,
    "ask_invoice": INVOICE,
    "ask_shipping_fee": SHIPPING_FEE,
    "ask_shipping_time": SHIPPING_TIME,
    "ask_courier": COURIER,
    "ask_return_policy": RETURNS,
}
_EXCHANGE = re.compile(r"换(?:货|个|成|码|尺码|颜色|色|大|小|一个|一件|一条|一下|号|吗|几次|了|的)|(?:能|可以|想|要|怎么|再|还能|去)换")
_SMALLER = re.compile(r"小一码|小一号|小号|小码|小一点|小点|小一些|小些|太肥|太大|肥了|大了")
_LARGER = re.compile(r"大一码|大一号|大号|大码|大一点|大点|大一些|大些|太小|太紧|小了|紧了")
_LAYER = re.compile(r"里面(?:想|要|还要|再|能|可以)?(?:穿|套|加|搭|配)(?:件|个|一件)?(?P<layer>[^\s，,。吗呢的]{1,3}?)(?:的话|吗|呢|要|会|，|,|\s|$)")
_AMOUNT_NUMBER = re.compile(r"(?<![\d.])(?P<num>\d{2,5}(?:\.\d{1,2})?)(?=\s*(?:元|块|的|$|\s|，|,|能|可以|够))")
_PERIODS = re.compile(r"分\s*(?P<num>\d{1,2}|三|六|十二)\s*期|(?P<num2>\d{1,2})\s*期")
_COUNT_ASK = re.compile(r"几张|多少张")
#: The difference between two prices (差多少钱, 相差多少, 差价).
_PRICE_GAP = re.compile(r"差多少|相差|差价|差几")
#: What the buyer's own order holds (买的是什么码 / 拍的哪个颜色 / 买的多少钱).
_ASKS_WHAT_WAS_BOUGHT = re.compile(r"什么码|哪个码|几码|多大码|什么尺码|哪个尺码|什么颜色|哪个颜色|什么色|多少钱买|花了多少|付了多少")
#: What paying in instalments costs (免息吗, 有手续费吗, 要利息吗).
_ASKS_CHARGE = re.compile(r"免息|手续费|利息")
#: A detail asked about a garment, not about the world (下雨天能穿吗, not 今天杭州下雨吗).
_ABOUT_WEARING = re.compile(r"穿|这件|这个|这款|这条|衣服|裤子|裙子|外套|面料")
_PRICE_OF_ITEM = re.compile(r"价|多少钱|一样")


@dataclass(frozen=True)
class Question:
    """What a buyer asks: a topic (TOPICS), the aspect of it, and what it is about.

    Attributes:
        topic: one of TOPICS.
        aspect: what exactly, within the topic (``stack``, ``gap``, ``cutoff``, ``postage``...); "" for the
            topic's general question.
        items: the order being talked about, (product id, quantity) pairs, kept while the chat is about it.
        region, courier: where it goes, by whom (canonical names).
        amount: an amount the buyer named (我买的是259的).
        promotions: the promotions named (ids), in order.
        new_member: the buyer says they are a new member.
        payment: the payment question (a key of policy payment.keywords, or ``overview``).
        periods: instalment periods asked about.
        attributes, features: product attributes and details asked about.
        products: the products a comparison or a product question is about (ids).
        compare_key, compare_word, compare_more: what two products are compared on.
        color, size, measure: a colour, a size, one chart measurement asked about.
        direction: ``smaller`` or ``larger`` for an exchange one size down or up (换个小号, 大一码).
        at: a later moment the buyer would pay at (ISO 8601).
        holiday: a warehouse closure the buyer names (the policy's holiday name: 元旦, 劳动节).
        body, layering, pair: size advice: body details, layers worn under it, two sizes hesitated between
            (for a product question: the sizes whose measure is asked, xl和2xl衣长差多少).
        people: (who, height, weight) of several people at once.
        recommend: the recommendation's wishes (occasion, gender, garment, budget, cheaper_than).
        text: the buyer's words.
    """

    topic: str
    aspect: str = ""
    items: Tuple[Tuple[str, int], ...] = ()
    region: Optional[str] = None
    courier: Optional[str] = None
    amount: Optional[float] = None
    promotions: Tuple[str, ...] = ()
    new_member: bool = False
    payment: Optional[str] = None
    periods: Optional[int] = None
    attributes: Tuple[str, ...] = ()
    features: Tuple[str, ...] = ()
    products: Tuple[str, ...] = ()
    compare_key: Optional[str] = None
    compare_word: Optional[str] = None
    compare_more: bool = True
    color: Optional[str] = None
    size: Optional[str] = None
    direction: Optional[str] = None
    measure: Optional[str] = None
    at: Optional[str] = None
    holiday: Optional[str] = None
    body: Tuple[str, ...] = ()
    layering: Optional[str] = None
    pair: Tuple[str, ...] = ()
    people: Tuple[Tuple[str, float, float], ...] = ()
    recommend: Tuple[Tuple[str, Any], ...] = ()
    text: str = ""

    def as_slot(self) -> Dict[str, Any]:
        """The question as a slot value (plain JSON types)."""
        return asdict(self)

    @classmethod
    def from_slot(cls, value: Any) -> Optional["Question"]:
        """The question kept in a slot, or None for anything that is not one."""
        if not isinstance(value, Mapping) or value.get("topic") not in TOPICS:
            return None
        known = {name: value[name] for name in cls.__dataclass_fields__ if name in value}
        for name in ("items", "people", "recommend"):
            known[name] = tuple(tuple(entry) for entry in known.get(name) or ())
        for name in ("promotions", "attributes", "features", "products", "body", "pair"):
            known[name] = tuple(known.get(name) or ())
        try:
            return cls(**known)
        except TypeError:
            return None


@dataclass(frozen=True)
class Heard:
    """The latest message as the reader needs it.

    Attributes:
        text: the buyer's words.
        intent: the intent the model read.
        entities: entity name -> (value, start) pairs in order of mention.
    """

    text: str
    intent: Optional[str]
    entities: Mapping[str, Sequence[Tuple[Any, Optional[int]]]] = field(default_factory=dict)

    def values(self, name: str) -> List[Any]:
        return list(dict.fromkeys(value for value, _ in self.entities.get(name, ())))

    def first(self, name: str) -> Optional[Any]:
        values = self.values(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Context:
    """What the conversation holds besides the message.

    Attributes:
        previous: the question answered last, if it was read here.
        in_view: the product talked about or viewed (slot ``product``).
        discussed: products talked about, most recent first (recommended, compared, named).
        last_topic: what the last answer was about (any answer, also the intent's own).
        measured: whether the buyer's height and weight are known.
        region: the region the buyer gave earlier.
        body: body details the buyer gave earlier.
        usual_size: the size the buyer usually wears.
    """

    previous: Optional[Question] = None
    in_view: Optional[str] = None
    discussed: Tuple[str, ...] = ()
    last_topic: Optional[str] = None
    measured: bool = False
    region: Optional[str] = None
    body: Tuple[str, ...] = ()
    usual_size: Optional[str] = None


def read_question(policy: Policy, catalogue: Catalogue, heard: Heard, context: Context,
                  now: Optional[datetime] = None) -> Optional[Question]:
    """What the latest message asks, or None when it is not a question read here.

    Args:
        policy: the shop policy (promotions, payment and invoice words, regions).
        catalogue: the catalogue (products, prices).
        heard: the message, its intent and entities.
        context: the question before and what the conversation holds.
        now: the current time (a later moment to pay is read against it).

    Returns:
        The question, or None.
    """
    reader = _Reader(policy, catalogue, heard, context, now)
    return reader.read()


class _Reader:
    """One message read against its context (see read_question)."""

    def __init__(self, policy: Policy, catalogue: Catalogue, heard: Heard, context: Context,
                 now: Optional[datetime]) -> None:
        self.policy, self.catalogue, self.heard, self.context, self.now = policy, catalogue, heard, context, now
        self.text = heard.text or ""
        self.intent = heard.intent
        self.cues: FrozenSet[str] = question_cues(self.text)
        self.features = features_asked(self.text)
        self.follow = is_follow_up(self.text) or (self.intent == "inform" and len(self.text) <= 16)
        self.previous = context.previous
        self.promotions = named_promotions(policy, self.text)
        self.layering = self._layering()
        self.products = self._products()

    # -- what the message holds ----------------------------------------------------------------------

    def has(self, *cues: str) -> bool:
        return any(cue in self.cues for cue in cues)

    def _layering(self) -> Optional[str]:
        if not self.has("layering"):
            return None
        match = _LAYER.search(to_halfwidth(self.text))
        return match["layer"] if match and match["layer"] else "衣服"

    def _products(self) -> List[str]:
        """Products named (ids, in order), leaving out one named as a layer worn under (里面想穿卫衣)."""
        named = []
        layer_at = self.text.find("里面") if self.layering else -1
        for value, start in self.heard.entities.get("product", ()):
            if layer_at >= 0 and start is not None and start > layer_at:
                continue
            if value not in named and self.catalogue.find(str(value)):
                named.append(self.catalogue.find(str(value)).id)
        return named

    def product(self) -> Optional[Product]:
        """The product meant: the one named, else the one in view."""
        ids = self.products or ([self.context.in_view] if self.context.in_view else [])
        return self.catalogue.find(ids[0]) if ids else None

    def amount(self) -> Optional[float]:
        """An amount of money the buyer names (the amount entity, or 259的 / 199的开衫 in a money question)."""
        values = [v for v in self.heard.values("amount") if isinstance(v, (int, float))]
        if values:
            return float(values[0])
        taken = [(start, start + len(str(v))) for name in ("height", "weight", "size", "order_id")
                 for v, start in self.heard.entities.get(name, ()) if start is not None]
        for match in _AMOUNT_NUMBER.finditer(to_halfwidth(self.text)):
            if any(s <= match.start() < e for s, e in taken):
                continue
            value = float(match["num"])
            if 10 <= value <= 100000:
                return value
        return None

    def region(self) -> Optional[str]:
        return self.heard.first("region")

    def courier(self) -> Optional[str]:
        return self.heard.first("courier")

    # -- the basket ---------------------------------------------------------------------------------

    def basket(self, inherit: bool = True) -> Tuple[Tuple[str, int], ...]:
        """The order asked about: products named with their quantities, else the order before with the
        quantities changed (三件呢) or a product added (那加一包袜子呢), else the product in view."""
        counts = quantities(self.text)
        previous = dict(self.previous.items) if self.previous and inherit else {}
        people = people_count(self.text)
        colours = len(self.heard.values("color"))

        def each_times(count: int, each: bool) -> int:
            if not each:
                return count
            return count * (people or (colours if colours > 1 else 0) or (2 if self.has("two_people") else 1))

        named = self.products
        if named:
            positions = {pid: self._product_start(pid) for pid in named}
            items: Dict[str, int] = {}
            for pid in named:
                if len(named) == 1 and len(counts) == 1:
                    quantity = counts[0]  # 袜子两包 / polo白色黑色各要一件: the one quantity said
                else:
                    quantity = self._quantity_near(positions[pid], counts)
                items[pid] = each_times(quantity.count, quantity.each) if quantity else 1
            if self.has("add") and previous:
                merged = dict(previous)
                for pid, n in items.items():
                    merged[pid] = merged.get(pid, 0) + n
                return tuple(merged.items())
            return tuple(items.items())
        count = counts[0] if counts else None
        pair = self._both()
        if pair:
            return tuple((pid, 1) for pid in pair)
        if previous:
            if count is None:
                return tuple(previous.items())
            if len(previous) == 1:
                (pid, _), = previous.items()
                return ((pid, each_times(count.count, count.each)),)
            return tuple(previous.items())
        in_view = self.context.in_view
        if in_view and self.catalogue.find(in_view):
            return ((self.catalogue.find(in_view).id, each_times(count.count, count.each) if count else 1),)
        return ()

    def _both(self) -> Tuple[str, ...]:
        """两件都买: the two products talked about just before (compared or recommended), when none is named."""
        if not self.has("both") or self.products:
            return ()
        previous = self.previous
        if previous is not None and previous.topic in (COMPARE, RECOMMEND) and len(previous.products) >= 2:
            return tuple(previous.products[:2])
        return tuple(self.context.discussed[:2]) if len(self.context.discussed) >= 2 else ()

    def _product_start(self, pid: str) -> int:
        for value, start in self.heard.entities.get("product", ()):
            found = self.catalogue.find(str(value))
            if found and found.id == pid and start is not None:
                return start
        return 0

    @staticmethod
    def _quantity_near(position: int, counts):
        """The quantity said right before a product (两件风衣) or right after it (袜子一包), else None."""
        before = [q for q in counts if q.start <= position and position - q.start <= 4]
        if before:
            return before[-1]
        after = [q for q in counts if q.start > position and q.start - position <= 5]
        return after[0] if after else None

    # -- the decision ---------------------------------------------------------------------------------

    def read(self) -> Optional[Question]:
        intent = self.intent
        if intent in FIXED_INTENTS:
            return None
        if intent in ("request_human", "complain_service"):
            if self.has("service_hours"):
                return self.ask(SERVICE_HOURS)
            if self.has("send_back_notes") and self.previous and self.previous.topic in (EXCHANGE, RETURNS):
                return self.ask(self.previous.topic, aspect="send_back")
            if self.has("sent_back"):
                return self.ask(ORDER, aspect="return_progress")
            return None
        if intent == "complain_quality":
            # 吊牌剪了呢 after the return rules: a condition of a return, not a complaint about the goods; 腿比较粗
            # after a size answer: a body detail, not a fault.
            if self.follow and self.previous is not None and self.previous.topic == RETURNS:
                return self._returns(aspect=self._returns_aspect() or "conditions")
            if body_details(self.text, self.cues):
                return self._size()
            return None

        for read in (self._will_buy, self._shop_wide, self._comparison, self._exchange, self._price, self._coupons,
                     self._details, self._service_hours, self._size, self._recommendation, self._by_topic,
                     self._follow_up):
            question = read()
            if question is not None:
                return question
        return None

    def ask(self, topic: str, aspect: str = "", **facts: Any) -> Question:
        """A question of its own, keeping what the conversation was about (the order, the region...)."""
        previous = self.previous
        keep: Dict[str, Any] = {}
        if previous is not None:
            keep = {"items": previous.items, "region": previous.region, "courier": previous.courier,
                    "new_member": previous.new_member}
        region = self.region()
        if region:
            keep["region"] = region
        courier = self.courier()
        if courier:
            keep["courier"] = courier
        if self.has("new_member"):
            keep["new_member"] = True
        keep.update(facts)
        return Question(topic=topic, aspect=aspect, text=self.text, **keep)

    def _will_buy(self) -> Optional[Question]:
        if self.has("will_buy") and not self.has("price_total", "coupon_use", "how_to") and "?" not in self.text:
            return self.ask(WILL_BUY, color=self.heard.first("color"), size=self.heard.first("size"))
        return None

    def _comparison(self) -> Optional[Question]:
        # 卫衣和T恤差多少钱: two products named and the difference asked is a comparison on price, not a total.
        price_gap = len(self.products) >= 2 and bool(_PRICE_GAP.search(self.text))
        if not self.has("compare", "these_two") and not price_gap:
            return None
        if self.heard.values("size") and len(self.heard.values("size")) >= 2:
            return None  # xl还是2xl: two sizes, a size question
        named = self.products
        previous = self.previous
        pair: List[str] = []
        if len(named) >= 2:
            pair = named[:2]
        elif self.has("these_two") and len(self.context.discussed) >= 2:
            pair = list(self.context.discussed[:2])
        elif previous is not None and previous.topic == COMPARE and len(previous.products) >= 2 and not named:
            pair = list(previous.products[:2])
        elif len(named) == 1 and self.context.in_view and self.context.in_view != named[0]:
            pair = [named[0], self.context.in_view]
        if len(pair) < 2:
            return None
        on = compared_on(self.text) or (ComparedOn("price", "贵", True) if price_gap else None)
        feature = next((f.key for f in self.features if f.better), None)
        if on is None and feature is None and previous is not None and previous.topic == COMPARE:
            on_key, word, more = previous.compare_key, previous.compare_word, previous.compare_more
        else:
            on_key, word, more = (on.key, on.word, on.more) if on else (None, None, True)
        if on_key is None and feature is None:
            attributes = [a for a in self.heard.values("attribute") if a]
            if not attributes:
                return None
            on_key, word = attributes[0], None
        return self.ask(COMPARE, products=tuple(pair), compare_key=on_key, compare_word=word, compare_more=more,
                        features=(feature,) if feature else ())

    def _exchange(self) -> Optional[Question]:
        text = to_halfwidth(self.text)
        previous = self.previous
        about_exchange = bool(_EXCHANGE.search(text))
        if not about_exchange and not (previous and previous.topic == EXCHANGE):
            return None
        if self.intent in ("ask_payment", "ask_courier", "ask_invoice", "bargain", "ask_promotion"):
            return None
        if not about_exchange:
            # After an exchange: 怎么换 / 来回运费谁出 / 能换几次 / 寄回去要注意什么 / 那卡其色呢
            aspect = self._exchange_aspect()
            if aspect:
                return self.ask(EXCHANGE, aspect=aspect, color=previous.color, size=previous.size,
                                products=previous.products)
            if self.follow and (self.heard.values("color") or self.heard.values("size")):
                return self.ask(EXCHANGE, aspect="request", products=previous.products,
                                color=self.heard.first("color") or previous.color,
                                size=self.heard.first("size") or previous.size)
            return None
        aspect = self._exchange_aspect() or "request"
        sizes = self.heard.values("size")
        direction = None
        if _SMALLER.search(text):
            direction = "smaller"
        elif _LARGER.search(text):
            direction = "larger"
        # 想换个小号: 小号 is "one size smaller", not the size S; 换2xl after 买的xl: the last size is the one wanted.
        size = None if direction and re.search(r"小号|大号|小码|大码", text) else (sizes[-1] if sizes else None)
        return self.ask(EXCHANGE, aspect=aspect, products=tuple(self.products), color=self.heard.first("color"),
                        size=size, direction=direction)

    def _exchange_aspect(self) -> Optional[str]:
        if self.has("times"):
            return "times"
        if self.has("who_pays"):
            return "postage"
        if self.has("sold_out") and not self.heard.values("color"):
            return "sold_out"
        if self.has("send_back_notes"):
            return "send_back"
        if self.has("how_to"):
            return "how"
        return None

    def _price(self) -> Optional[Question]:
        price = self.has("price_total") and not self.has("bargain")
        previous = self.previous
        if self.has("gap") and (previous and previous.topic in (PRICE, PROMOTION, SHIPPING_FEE) or self.products):
            return self.ask(PRICE, aspect="gap", items=self.basket(), promotions=self._promotion_ids())
        if not price:
            if (self.follow or self.has("add")) and previous is not None and previous.topic == PRICE:
                return self._price_follow_up()
            return None
        items = self.basket()
        if not items:
            return None
        upcoming = [p.id for p in self.promotions]
        if self.heard.values("color") and previous and previous.topic == PRICE and _PRICE_OF_ITEM.search(self.text) \
                and not quantities(self.text) and not self.products:
            return self.ask(PRICE, aspect="same_price", items=items, color=self.heard.first("color"))
        return self.ask(PRICE, aspect="total", items=items, promotions=tuple(upcoming))

    def _price_follow_up(self) -> Optional[Question]:
        previous = self.previous
        assert previous is not None
        if self.heard.values("color") and not quantities(self.text) and not self.products:
            return self.ask(PRICE, aspect="same_price", color=self.heard.first("color"))
        if quantities(self.text) or self.products or self.region() or self.courier():
            return self.ask(PRICE, aspect="total", items=self.basket(), promotions=previous.promotions)
        return None

    def _promotion_ids(self) -> Tuple[str, ...]:
        return tuple(p.id for p in self.promotions)

    def _coupons(self) -> Optional[Question]:
        previous = self.previous
        named = self._promotion_ids()
        about_coupons = bool(named) or self.has("coupon_word") or (previous is not None and previous.topic == PROMOTION)
        coupon_cues = about_coupons and self.has("coupon_stack", "coupon_get", "coupon_expiry", "coupon_use")
        if not named and not coupon_cues:
            if not (self.follow and previous is not None and previous.topic == PROMOTION and self.has("new_member")):
                return None
            named = tuple(p.id for p in self.policy.promotions if p.new_members_only)[:1]  # 那新人券呢
        if self._payment_topic() is not None:
            return None  # 双十二的时候也能用信用卡吗: paying, at the time of an event
        if self.has("coupon_stack"):
            aspect = "count" if _COUNT_ASK.search(self.text) and len(named) <= 1 else "stack"
            if aspect == "stack" and len(named) < 2 and previous is not None:
                coupon = self._previous_coupon()
                if coupon and coupon not in named:
                    named = named + (coupon,)
        elif self.has("coupon_get"):
            aspect = "get"
        elif self.has("coupon_expiry"):
            aspect = "expiry"
        elif self.has("coupon_use"):
            aspect = "use"
        elif self.follow and previous is not None and previous.topic == PROMOTION and previous.aspect:
            aspect = previous.aspect
        elif named and self.intent in ("ask_promotion", *SOFT_INTENTS):
            aspect = "status"
        else:
            return None
        if aspect == "use" and not named:
            named = tuple(p.id for p in self.policy.promotions if p.kind == "coupon" and not p.new_members_only)[:1]
            if previous is not None and previous.promotions:
                named = previous.promotions[:1]
        amount = self.amount() if aspect == "use" else None
        items = self.basket() if aspect == "use" and amount is None else ()
        return self.ask(PROMOTION, aspect=aspect, promotions=named, amount=amount,
                        **({"items": items} if items else {}))

    def _previous_coupon(self) -> Optional[str]:
        """The coupon the question before was about, or the one a price before used."""
        previous = self.previous
        if previous is None:
            return None
        coupons = [p.id for p in self.policy.promotions if p.kind == "coupon"]
        for pid in previous.promotions:
            if pid in coupons:
                return pid
        if previous.topic == PRICE and previous.items:
            return coupons[0] if coupons else None
        return None

    def _shop_wide(self) -> Optional[Question]:
        """Only shop-wide details nothing in the data answers (价保, 礼盒): a colleague's question, whatever the topic
        the words also touch (双十二降价了怎么办 is not a question about the event)."""
        if not self.features or not all(f.shop_wide for f in self.features) or self.heard.values("attribute"):
            return None
        return self.ask(PRODUCT, features=tuple(f.key for f in self.features), products=tuple(self.products))

    def _details(self) -> Optional[Question]:
        """Product details (含绒量, 模特, 几个颜色, M码腰围), payment and invoice words, shipping aspects."""
        previous = self.previous
        payment_topic = self._payment_topic()
        invoice_words = self.policy.invoices.keywords
        invoice_topic = next((t for t in ("special_vat", "paper", "company")
                              if any(w in self.text for w in getattr(invoice_words, t))), None)
        if self.has("cash_on_delivery") and (self.intent == "ask_return_policy" or "退" in self.text):
            return self._returns(aspect="cod")
        if self.has("refund_where") and (self.intent in ("return_request", "ask_return_policy", *SOFT_INTENTS)
                                         or re.search(r"退款|退钱|钱退", self.text)):
            # 退款退到信用卡要几天: where the refund goes and how soon, though it names a way to pay.
            return self._returns(aspect="refund_where")
        if previous is not None and previous.topic == PAYMENT and self.has("how_to") and self.intent in SOFT_INTENTS:
            return self.ask(PAYMENT, aspect="how", payment=previous.payment)
        if payment_topic and self.intent not in ("ask_invoice",):
            return self._payment(payment_topic)
        if self.intent == "ask_payment" or (self.follow and previous and previous.topic == PAYMENT):
            return self._payment(None)
        if invoice_topic and (self.intent in ("ask_invoice", *SOFT_INTENTS) or "发票" in self.text):
            return self.ask(INVOICE, aspect=invoice_topic)
        if self.intent == "ask_invoice" or ("发票" in self.text or "开票" in self.text):
            not_invoiced = [w for w in self.policy.invoices.not_invoiced if w in self.text]
            asks_amount = bool(re.search(r"按多少|多少钱开|金额|开多少|按什么", self.text))
            if asks_amount or not_invoiced:
                return self.ask(INVOICE, aspect="amount" if asks_amount else "not_invoiced",
                                features=tuple(not_invoiced))
            return self.ask(INVOICE)
        if self.has("own_order") and _ASKS_WHAT_WAS_BOUGHT.search(self.text):
            # 我之前买的牛仔裤是什么码来着: the buyer's own order holds the answer, not the size chart.
            return self.ask(ORDER, aspect="bought", products=tuple(self.products))
        product_intents = ("ask_product", "ask_size", "ask_stock", *SOFT_INTENTS)
        about_garment = bool(_ABOUT_WEARING.search(self.text) or self.products or self.heard.values("garment"))
        features = [f for f in self.features if about_garment or not f.needs_garment]
        if features or self.has("model", "colors_list") or self._measure():
            return self._product()
        if self.heard.values("attribute") and self.intent in product_intents:
            return self._product()
        if self.intent == "ask_product" and self._asks_unknown_detail():
            return self.ask(PRODUCT, aspect="unknown", products=tuple(self.products))
        if self.intent in ("ask_shipping_time", "ask_shipping_fee", "ask_courier") or self.has("cutoff", "warehouse"):
            return self._shipping()
        if self.intent == "ask_return_policy" or (previous is not None and previous.topic == RETURNS
                                                  and self._returns_aspect()):
            return self._returns()
        return None

    def _asks_unknown_detail(self) -> bool:
        """A product question about something precise that nothing here reads (适合孕妇穿吗): not a general ask
        (怎么样, 介绍一下), not a short "这件呢", and naming no colour, size or body measurements."""
        content = re.sub(r"[\s,，.。!！?？~～的吗呢呀啊哦嘛么了]", "", self.text)
        if self.has("overview") or len(content) < 5:
            return False
        return not any(self.heard.values(name) for name in ("color", "size", "height", "weight", "amount", "fit"))

    def _payment_topic(self) -> Optional[str]:
        """The payment question the policy's payment words name (花呗, 分期, 信用卡...), or None."""
        words = self.policy.payment.keywords
        return next((t for t in ("failure", "cash_on_delivery", "instalments", "proxy_pay", "huabei", "credit_card")
                     if any(w in self.text for w in getattr(words, t))), None)

    def _measure(self) -> Optional[str]:
        """One chart measurement named (腰围, 大腿围...) in a question about a size or the product."""
        from_attributes = "measurements" in self.heard.values("attribute")
        for word, name in _MEASURE_WORDS:
            if word in self.text:
                return name
        return None if not from_attributes else "all"

    def _product(self) -> Question:
        previous = self.previous
        attributes = [a for a in self.heard.values("attribute") if a]
        if self.has("model"):
            attributes.append("model")
        if self.has("colors_list"):
            attributes.append("colors")
        measure = self._measure()
        size = self.heard.first("size")
        sizes = tuple(dict.fromkeys(str(s) for s in self.heard.values("size")))
        pair: Tuple[str, ...] = ()
        if measure and len(sizes) > 1:
            size, pair = None, sizes  # xl和2xl衣长差多少: that measure of both
        if measure:
            attributes = [a for a in attributes if a != "measurements"] + ["measurements"]
            if size is None and not pair and previous is not None and previous.topic == PRODUCT and previous.size:
                size = previous.size
        about_garment = bool(_ABOUT_WEARING.search(self.text) or self.products or self.heard.values("garment"))
        features = [f.key for f in self.features if about_garment or not f.needs_garment]
        color = self.heard.first("color")
        if self.has("stock") and (color or size) and not measure and (attributes or features):
            # 会掉毛吗 还有黑色L有货没: two questions; the colour and size are the stock question's.
            return self.ask(PRODUCT, aspect=WITH_STOCK, attributes=tuple(dict.fromkeys(attributes)),
                            features=tuple(features), products=tuple(self.products), color=color, size=size)
        return self.ask(PRODUCT, attributes=tuple(dict.fromkeys(attributes)), features=tuple(features),
                        products=tuple(self.products), color=color, size=size, pair=pair,
                        measure=None if measure in (None, "all") else measure)

    def _payment(self, topic: Optional[str]) -> Question:
        previous = self.previous
        periods = None
        match = _PERIODS.search(self.text)
        if match:
            raw = match["num"] or match["num2"]
            periods = {"三": 3, "六": 6, "十二": 12}.get(raw) or int(raw)
        # 有手续费吗 right after instalments: still about instalments, though not worded as a follow-up.
        keeps_topic = self.follow or bool(_ASKS_CHARGE.search(self.text))
        inherited = previous.payment if previous is not None and previous.topic == PAYMENT and keeps_topic else None
        aspect = topic or inherited or "overview"
        if self.has("how_to") and previous is not None and previous.topic == PAYMENT and not topic:
            return self.ask(PAYMENT, aspect="how", payment=previous.payment)
        amount = self.amount()
        items = self.basket(inherit=True) if aspect == "instalments" else ()
        if aspect == "instalments" and self.products:
            items = tuple((pid, 1) for pid in self.products)
        return self.ask(PAYMENT, aspect=aspect, payment=aspect, periods=periods, amount=amount,
                        promotions=self._promotion_ids(), **({"items": items} if items else {}))

    def _shipping(self) -> Question:
        previous = self.previous
        courier = self.courier()
        holiday = self.policy.holiday_named(self.text, self.policy.local(self.now).date()) if self.now else None
        if holiday is not None and self.intent not in ("ask_shipping_fee", "ask_courier"):
            return self.ask(SHIPPING_TIME, aspect="holiday", holiday=holiday.name)
        if self.has("cutoff"):
            return self.ask(SHIPPING_TIME, aspect="cutoff")
        if self.has("warehouse"):
            return self.ask(SHIPPING_TIME, aspect="warehouse")
        if self.intent == "ask_shipping_fee" and courier and not self.region():
            return self.ask(COURIER)
        if self.intent == "ask_courier":
            return self.ask(COURIER)
        if self.intent == "ask_shipping_fee":
            named_items = bool(self.products or quantities(self.text))
            keeps_order = previous is not None and previous.topic in (PRICE, SHIPPING_FEE, PROMOTION) and previous.items
            items = self.basket() if (named_items or keeps_order) else ()
            return self.ask(SHIPPING_FEE, items=items if items else ())
        if self.has("later") and self.now is not None:
            from_later = _later(self.text, self.now)
            if from_later:
                return self.ask(SHIPPING_TIME, aspect="later", at=from_later)
        return self.ask(SHIPPING_TIME)

    def _returns_aspect(self) -> Optional[str]:
        if self.has("cash_on_delivery"):
            return "cod"
        if self.has("freight_insurance"):
            return "insurance"
        if self.has("quality"):
            return "quality"
        if self.has("photos"):
            return "photos"
        if self.has("refund_where"):
            return "refund_where"
        if re.search(r"穿过|穿了|洗过|洗了|吊牌|标签|包装|试穿", self.text):
            return "conditions"
        if self.has("who_pays"):
            return "postage"
        if self.has("send_back_notes"):
            return "send_back"
        if re.search(r"多久|几天", self.text) and re.search(r"退款|钱|退回来|到账", self.text):
            return "refund_days"
        if self.has("how_to"):
            return "how"
        return None

    def _returns(self, aspect: Optional[str] = None) -> Question:
        previous = self.previous
        aspect = aspect or self._returns_aspect() or ""
        if not aspect and self.follow and previous is not None and previous.topic == RETURNS:
            aspect = previous.aspect
        quality = self.has("quality") or (previous is not None and previous.topic == RETURNS
                                          and previous.aspect == "quality" and aspect == "photos")
        return self.ask(RETURNS, aspect=aspect, products=tuple(self.products),
                        features=("quality",) if quality else ())

    def _service_hours(self) -> Optional[Question]:
        return self.ask(SERVICE_HOURS) if self.has("service_hours") else None

    def _size(self) -> Optional[Question]:
        """Size advice changed by what the buyer adds, or asked for two people at once."""
        heights, weights = self.heard.values("height"), self.heard.values("weight")
        entries_h = list(self.heard.entities.get("height", ()))
        entries_w = list(self.heard.entities.get("weight", ()))
        if len(entries_h) >= 2 and len(entries_w) >= 2:
            people = []
            for (h, hs), (w, _) in zip(entries_h, entries_w):
                people.append((_who(self.text, hs or 0, len(people)), float(h), float(w)))
            return self.ask(SIZE, aspect="people", people=tuple(people), products=tuple(self.products))
        body = tuple(body_details(self.text, self.cues))
        sizes = self.heard.values("size")
        fit = self.heard.first("fit")
        previous_size = (self.context.last_topic == "ask_size"
                         or (self.previous is not None and self.previous.topic == SIZE))
        pair = tuple(sizes[:2]) if len(sizes) >= 2 and self.has("size_pair") else ()
        if not (previous_size or self.intent == "ask_size") or not self.context.measured:
            return None
        if heights or weights:
            return None  # new measurements: the form and the size answer read them from the slots
        usual = states_usual_size(self.text)
        if body or self.layering or pair or fit or usual or (self.intent == "ask_size" and sizes):
            measure = None
            if body and sizes:
                measure = "thigh" if "thick_thighs" in body else None
            return self.ask(SIZE, aspect="advice", body=body + tuple(b for b in self.context.body if b not in body),
                            layering=self.layering, pair=pair, products=tuple(self.products), measure=measure)
        return None

    def _recommendation(self) -> Optional[Question]:
        """A wish added after a recommendation (预算500以内, 男生穿的, 要便宜点的, 要冬天穿的)."""
        previous_rec = self.context.last_topic in ("ask_recommendation", RECOMMEND) or (
            self.previous is not None and self.previous.topic == RECOMMEND)
        if not previous_rec or self.intent in ("ask_size", "ask_stock") or self.products:
            return None
        cheaper = bool(re.search(r"便宜(?:点|一点|些|一些)的|再便宜的|更便宜的|便宜的", self.text))
        if self.intent in ("bargain", "ask_recommendation", *SOFT_INTENTS, "ask_product") and (
                cheaper or self._wishes_heard()):
            before = self.previous if self.previous is not None and self.previous.topic == RECOMMEND else None
            wishes = dict(before.recommend) if before is not None else {}
            picked = self.previous.products if self.previous is not None and self.previous.topic == RECOMMEND else ()
            return self.ask(RECOMMEND, aspect="refine", recommend=tuple({**wishes, "cheaper": cheaper}.items()),
                            products=picked)
        return None

    def _wishes_heard(self) -> bool:
        """Whether the message says a wish a recommendation reads (an occasion, a person, a garment, a budget)."""
        return bool(recommendation_request(self.text, self.catalogue))

    def _by_topic(self) -> Optional[Question]:
        topic = INTENT_TOPICS.get(self.intent or "")
        if topic == PROMOTION:
            return self.ask(PROMOTION, aspect="list")
        if topic in (SHIPPING_FEE, SHIPPING_TIME, COURIER):
            return self._shipping()
        if topic == RETURNS:
            return self._returns()
        return None

    def _follow_up(self) -> Optional[Question]:
        """那新疆呢 / 那ems呢 / 浅蓝条纹呢: the question before, with what this message changes."""
        previous = self.previous
        if previous is None or not (self.follow or self.intent in SOFT_INTENTS):
            return None
        changed: Dict[str, Any] = {"text": self.text}
        if self.region():
            changed["region"] = self.region()
        if self.courier():
            changed["courier"] = self.courier()
        if self.heard.values("color"):
            changed["color"] = self.heard.first("color")
        if self.heard.values("size"):
            changed["size"] = self.heard.first("size")
        if self.products and previous.topic in (PRODUCT, PAYMENT):
            changed["products"] = tuple(self.products)
        if quantities(self.text) or (self.products and previous.items):
            changed["items"] = self.basket()
        if self.has("later") and self.now is not None and previous.topic == SHIPPING_TIME:
            at = _later(self.text, self.now)
            if at:
                changed.update(at=at, aspect="later")
        if self.now is not None and previous.topic == SHIPPING_TIME:
            holiday = self.policy.holiday_named(self.text, self.policy.local(self.now).date())
            if holiday is not None:  # 五一呢 after 元旦还发货吗
                changed.update(holiday=holiday.name, aspect="holiday")
        if previous.topic == PRODUCT:
            measure = self._measure()
            if measure and measure != "all":
                changed["measure"] = measure
        if len(changed) == 1:
            return None
        return replace(previous, **changed)


#: Chart measurements a buyer names, longest word first: (word, chart field).
_MEASURE_WORDS = (
    ("大腿围", "thigh"), ("腿围", "thigh"), ("裤长", "length"), ("裙长", "length"), ("衣长", "length"),
    ("胸围", "bust"), ("腰围", "waist"), ("臀围", "hip"), ("肩宽", "shoulder"), ("袖长", "sleeve"),
)


def _who(text: str, start: int, index: int) -> str:
    """How the buyer calls the person whose height starts at ``start`` (男生 / 女生 / 他 / 我), or 第N位."""
    before = text[max(0, start - 6):start]
    for words, label in ((("男的", "男生", "男朋友", "老公", "他"), "男生"), (("女的", "女生", "女朋友", "老婆", "她"), "女生"),
                         (("我",), "您")):
        if any(word in before for word in words):
            return label
    return f"第{index + 1}位"


def _later(text: str, now: datetime) -> Optional[str]:
    moment = later_moment(text, now)
    return moment.isoformat() if moment else None

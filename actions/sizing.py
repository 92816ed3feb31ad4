"""Size advice: the size_advice_form (product, height, weight in any order) and the advice from the chart.

The form only collects; ``bot.shop.sizing`` decides. Measurements stay in their slots for the rest of
the conversation, so 那裤子呢 after a size answer gets advice for the trousers without asking again.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import shop_context
from actions.base import ShopAction
from actions.routing import answers, read
from actions.tracker_reading import (
    BODY_SLOT,
    add_handoff_reason,
    discussed,
    latest_entity,
    previous_user_text,
    replied_since_latest_message,
    slot_before_latest,
)
from actions.shop_context import ShopContext
from bot.handoff.reasons import HandoffReason
from bot.shop import ShopDataError
from bot.shop.fields import yuan
from bot.shop.product_facts import answer_length_question
from bot.shop.product_focus import ProductFocus, names, resolve_product
from bot.shop.questions import SIZE, Question
from bot.shop.sizing import (
    IMPLAUSIBLE,
    NO_CHART,
    OUT_OF_RANGE,
    PLAUSIBLE_HEIGHT_CM,
    PLAUSIBLE_WEIGHT_KG,
    answer_one_size,
    answer_size,
    answer_size_by_waist,
    answer_sizes_for_people,
)
from bot.text.body import waist_cm
from bot.text.measurement_answers import bare_measurement
from bot.text.size_habits import states_usual_size, usual_size, usual_size_among

logger = logging.getLogger(__name__)

FORM = "size_advice_form"
TOPIC = "ask_size"
#: Candidates offered as buttons when a garment word fits several products.
MAX_BUTTONS = 4


def _number(value: Any) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def focus_from_tracker(tracker: Tracker, context: ShopContext) -> ProductFocus:
    """The product the latest message is about: named, a garment word narrowed by the facts, or in view."""
    return resolve_product(
        context.shop.catalogue,
        named=latest_entity(tracker, "product"),
        garment=latest_entity(tracker, "garment"),
        in_view=tracker.get_slot("product"),
        height_cm=_number(tracker.get_slot("height")),
        weight_kg=_number(tracker.get_slot("weight")),
        color=latest_entity(tracker, "color"),
        size=latest_entity(tracker, "size"),
    )


def which_product_buttons(candidates) -> List[Dict[Text, Text]]:
    """Buttons that answer 'which one' with the product id, as the shop page's links would."""
    return [
        {"title": product.name, "payload": f'/inform{{"product":"{product.id}"}}'}
        for product in list(candidates)[:MAX_BUTTONS]
    ]


def ask_which_product(dispatcher: CollectingDispatcher, context: ShopContext, candidates) -> None:
    """Asks which product is meant, naming the candidates when there are some."""
    lines = context.conversation.product
    if candidates:
        dispatcher.utter_message(
            text=lines.which_of.format(names=names(candidates)), buttons=which_product_buttons(candidates)
        )
    else:
        dispatcher.utter_message(text=lines.which_product)


def ask_measurements(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, product,
    measured: Optional[Dict[Text, float]] = None,
) -> None:
    """Asks for what is missing of height and weight, with the product's fit note when there is one; a length
    question in the same message (我150会不会拖地) is answered first."""
    say_length(dispatcher, tracker, context, product)
    lines = context.conversation.product
    height, weight = measurements(tracker, measured)
    waist = waist_cm(tracker.latest_message.get("text") or "") if product is not None else None
    by_waist = answer_size_by_waist(context.shop, product, waist) if waist else None
    if by_waist is not None and by_waist.facts["size"]:
        # 2尺2的腰穿什么码: the size the waist takes now; height and weight only to check it. (A waist over the
        # chart is asked for height and weight as usual: the advice from them hands off if need be.)
        dispatcher.utter_message(text=by_waist.text)
        dispatcher.utter_message(text=context.shop.replies.render("size_advice.by_waist_check"))
        return
    if height and not weight:
        dispatcher.utter_message(text=lines.ask_weight.format(height=f"{height:g}"))
        return
    if weight and not height:
        dispatcher.utter_message(text=lines.ask_height.format(weight=f"{weight:g}"))
        return
    if product and product.fit and product.fit.note:
        dispatcher.utter_message(text=lines.fit_note.format(name=product.name, note=product.fit.note))
    sizes = lines.product_sizes.format(name=product.name, sizes="/".join(product.sizes)) if product else ""
    dispatcher.utter_message(text=lines.ask_measurements.format(product_sizes=sizes).strip())


def advise(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    context: ShopContext,
    product,
    measured: Optional[Dict[Text, float]] = None,
    question: Optional[Question] = None,
) -> List[EventType]:
    """Size advice for ``product`` from the measurements (slots, or ``measured`` just now), preference,
    usual size, and what the buyer added (body details, layers worn under it, two sizes to choose from)."""
    height, weight = measurements(tracker, measured)
    if product.size_chart is None and len(product.sizes) == 1:
        answer = answer_one_size(context.shop, product)
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("product", product.id), SlotSet("last_topic", TOPIC)]
    body = list(question.body) if question is not None else list(tracker.get_slot(BODY_SLOT) or [])
    answer = answer_size(
        context.shop,
        product,
        height,
        weight,
        preference=tracker.get_slot("fit_preference"),
        usual_size=tracker.get_slot("usual_size"),
        body=body,
        layering=question.layering if question is not None else None,
        pair=question.pair if question is not None else (),
    )
    dispatcher.utter_message(text=answer.text)
    say_length(dispatcher, tracker, context, product)
    events: List[EventType] = [SlotSet(name, value) for name, value in (measured or {}).items()]
    events += [SlotSet("product", product.id), SlotSet("last_topic", TOPIC), discussed(tracker, [product.id])]
    if body:
        events.append(SlotSet(BODY_SLOT, body))
    status, rule = answer.facts["status"], answer.facts.get("rule")
    if status in (OUT_OF_RANGE, IMPLAUSIBLE) or (status == NO_CHART and not answer.facts["size"]):
        # The chart gave no size: a person compares the garment's measurements by hand.
        events.append(add_handoff_reason(tracker, HandoffReason(key="size_unknown", detail=status)))
    elif rule == "far_apart":
        events.append(add_handoff_reason(tracker, HandoffReason(key="size_unknown", detail="far_apart")))
    return events


def say_length(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, product) -> None:
    """The product's length, when the buyer's latest message asks whether it is long or short enough."""
    if product is None:
        return
    answer = answer_length_question(context.shop, product, tracker.latest_message.get("text") or "")
    if answer is not None:
        dispatcher.utter_message(text=answer.text)


def measurements(tracker: Tracker, measured: Optional[Dict[Text, float]] = None):
    """(height, weight): the slots, overridden by what a bare number just gave."""
    measured = measured or {}
    height = measured.get("height", _number(tracker.get_slot("height")))
    weight = measured.get("weight", _number(tracker.get_slot("weight")))
    return height, weight


def bare_number_answer(tracker: Tracker, asking: Optional[Text] = None) -> Dict[Text, float]:
    """{"height": cm} or {"weight": kg} from a message that is only a number (哦 160 / 不对 是170)."""
    if latest_entity(tracker, "height") is not None or latest_entity(tracker, "weight") is not None:
        return {}
    if states_usual_size(tracker.latest_message.get("text") or ""):
        return {}  # 平时穿32的: the size they wear, not a measurement
    found = bare_measurement(tracker.latest_message.get("text") or "", asking, _number(tracker.get_slot("height")))
    return {found[0]: found[1]} if found and (asking is None or found[0] == asking) else {}


def reply_size_followup(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
    measured: Optional[Dict[Text, float]] = None,
) -> List[EventType]:
    """A fact given after a size answer (那裤子呢 / 不对 是170 / 宽松点): advise again with it.

    Measurements come from the slots, which this turn's entities have already updated, or from
    ``measured`` (a bare number read in the context of the size answer).
    """
    focus = focus_from_tracker(tracker, context)
    events: List[EventType] = [SlotSet(name, value) for name, value in (measured or {}).items()]
    events.append(SlotSet("last_topic", TOPIC))
    if focus.product is None:
        ask_which_product(dispatcher, context, focus.candidates)
        return events
    height, weight = measurements(tracker, measured)
    if not (height and weight):
        ask_measurements(dispatcher, tracker, context, focus.product, measured)
        return [*events, SlotSet("product", focus.product.id)]
    return advise(dispatcher, tracker, context, focus.product, measured)


@answers(SIZE)
def reply_size_question(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                        question: Question) -> Optional[List[EventType]]:
    """Size advice changed by what the buyer adds (宽松点, 屁股大, 里面穿毛衣, xl还是2xl), or for two people."""
    catalogue = context.shop.catalogue
    named = catalogue.find(question.products[0]) if question.products else None
    in_view = tracker.get_slot("product")
    if named is None and latest_entity(tracker, "product"):
        # 里面想穿卫衣: the product named is worn under it; the one advised is still the one before.
        in_view = slot_before_latest(tracker, "product") or in_view
    product = named or catalogue.find(in_view or "")
    if product is None:
        return None
    if question.aspect == "people":
        answer = answer_sizes_for_people(context.shop, product, question.people,
                                         preference=tracker.get_slot("fit_preference"))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("product", product.id), SlotSet("last_topic", TOPIC), discussed(tracker, [product.id])]
    height, weight = measurements(tracker)
    if not (height and weight):
        return None
    return advise(dispatcher, tracker, context, product, question=question)


class ValidateSizeAdviceForm(FormValidationAction):
    """Checks what the form collected: a catalogue product, a believable height and weight.

    The form starts on every ask_size message; one that asks something else (M码腰围多少, 模特多高, 能换小一码吗,
    a one-size product) needs no measurements: the form then ends at once and action_advise_size answers it.
    """

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        context = self._context
        question = read(tracker, context)
        if question is not None and question.topic != SIZE:
            return []
        product = context.shop.catalogue.find(latest_entity(tracker, "product") or tracker.get_slot("product") or "")
        if product is not None and product.size_chart is None and len(product.sizes) == 1:
            return []
        return domain_slots

    def name(self) -> Text:
        return f"validate_{FORM}"

    @property
    def _context(self) -> ShopContext:
        # Cached and reloaded on file change by shop_context; read per call since one instance
        # serves every conversation.
        return shop_context.current()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            shop_context.current()
        except ShopDataError as error:
            logger.error("The shop's data files do not validate:\n%s", error)
            return []
        events = await super().run(dispatcher, tracker, domain)
        if latest_entity(tracker, "product") or not latest_entity(tracker, "garment"):
            return events
        # A garment word that still fits several products: remember them for the question.
        focus = focus_from_tracker(tracker, self._context)
        if focus.product is None and focus.candidates:
            events.append(SlotSet("product_candidates", [p.id for p in focus.candidates]))
        return events

    async def extract_product(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # 那裤子呢 names no product, only a garment: pick the one that suits the buyer if only one does.
        if latest_entity(tracker, "product") or not latest_entity(tracker, "garment"):
            return {}
        focus = focus_from_tracker(tracker, self._context)
        return {"product": focus.product.id} if focus.how == "garment" else {}

    async def extract_height(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # 哦 160 after "身高多少呢": a bare number is the answer to the question just asked.
        if tracker.get_slot("requested_slot") == "height":
            return bare_number_answer(tracker, "height")
        # 158, then 92斤: a bare height sent on its own just before the weight, before anything asked for it.
        if tracker.get_slot("height") is None and latest_entity(tracker, "height") is None \
                and latest_entity(tracker, "weight") is not None:
            found = bare_measurement(previous_user_text(tracker) or "")
            if found is not None and found[0] == "height":
                return {"height": found[1]}
        return {}

    async def extract_weight(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "weight":
            return {}
        return bare_number_answer(tracker, "weight")

    def validate_product(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        product = self._context.shop.catalogue.find(str(value or ""))
        if product is None:
            lines = self._context.conversation.product
            dispatcher.utter_message(text=lines.not_in_catalogue.format(
                names=names(p for p in self._context.shop.catalogue.products if p.size_chart)))
            return {"product": None}
        return {"product": product.id, "product_candidates": None}

    def validate_height(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        height = _number(value)
        if height is None or not PLAUSIBLE_HEIGHT_CM[0] <= height <= PLAUSIBLE_HEIGHT_CM[1]:
            dispatcher.utter_message(text=self._context.conversation.product.implausible_height.format(
                height=value if height is None else f"{height:g}"))
            return {"height": None}
        return {"height": height}

    def validate_weight(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        weight = _number(value)
        if weight is None or not PLAUSIBLE_WEIGHT_KG[0] <= weight <= PLAUSIBLE_WEIGHT_KG[1]:
            dispatcher.utter_message(text=self._context.conversation.product.implausible_weight.format(
                weight=value if weight is None else f"{weight:g}"))
            return {"weight": None}
        return {"weight": weight}


class ActionAskProduct(ShopAction):
    """The form asks which product (the candidates of a garment word as buttons)."""

    def name(self) -> Text:
        return "action_ask_product"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        catalogue = context.shop.catalogue
        candidates = [p for p in (catalogue.find(i) for i in tracker.get_slot("product_candidates") or []) if p]
        ask_which_product(dispatcher, context, candidates)
        return [SlotSet("last_topic", TOPIC)]


class ActionAskHeight(ShopAction):
    """The form asks for height (and weight, when neither is known)."""

    def name(self) -> Text:
        return "action_ask_height"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        product = context.shop.catalogue.find(tracker.get_slot("product") or "")
        ask_measurements(dispatcher, tracker, context, product)
        return [SlotSet("last_topic", TOPIC)]


class ActionAskWeight(ShopAction):
    """The form asks for weight once height is known."""

    def name(self) -> Text:
        return "action_ask_weight"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        product = context.shop.catalogue.find(tracker.get_slot("product") or "")
        ask_measurements(dispatcher, tracker, context, product)
        return [SlotSet("last_topic", TOPIC)]


class ActionAdviseSize(ShopAction):
    """Runs when the form has product, height and weight: the size and why, from that product's chart; or when
    the form ended at once because the message asked something else, the answer to that."""

    reads_questions = True

    def name(self) -> Text:
        return "action_advise_size"

    def answer_first(self, dispatcher, tracker: Tracker, context: ShopContext) -> Optional[List[EventType]]:
        height, weight = measurements(tracker)
        if not (height and weight) and replied_since_latest_message(tracker):
            # The form stopped because the buyer asked something else, and that was answered already (the
            # interjection's own rule): answering it again here would say the same thing twice.
            return []
        return None

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        product = context.shop.catalogue.find(tracker.get_slot("product") or "")
        if product is None:  # the form guarantees one; a catalogue edit mid-chat may remove it
            ask_which_product(dispatcher, context, [])
            return [SlotSet("product", None)]
        height, weight = measurements(tracker)
        if not (height and weight) and not (product.size_chart is None and len(product.sizes) == 1):
            ask_measurements(dispatcher, tracker, context, product)
            return [SlotSet("product", product.id), SlotSet("last_topic", TOPIC)]
        return advise(dispatcher, tracker, context, product)


class ActionReadBuyerFacts(ShopAction):
    """Slot mapping run after every message: the page's product and the buyer's usual size.

    The shop page sends the product the buyer is looking at as message metadata (``product``).
    It becomes the product in view when the buyer opens a new page, not on every message, so a
    product named in the chat stays in view while the buyer stays on the same page.
    """

    def name(self) -> Text:
        return "action_read_buyer_facts"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        events: List[EventType] = []
        metadata = tracker.latest_message.get("metadata") or {}
        page = metadata.get("product") if isinstance(metadata, dict) else None
        page_product = context.shop.catalogue.find(str(page)) if page else None
        if page_product and page_product.id != tracker.get_slot("page_product"):
            events.append(SlotSet("page_product", page_product.id))
            if not latest_entity(tracker, "product"):
                events.append(SlotSet("product", page_product.id))
        sizes = [e for e in tracker.latest_message.get("entities", []) or [] if e.get("entity") == "size"]
        text = tracker.latest_message.get("text") or ""
        habit = usual_size(text, sizes)
        if habit is None:
            # 平时穿32的: a number is a size when it is one of the product's own sizes.
            product = page_product or context.shop.catalogue.find(tracker.get_slot("product") or "")
            habit = usual_size_among(text, product.sizes) if product is not None else None
        if habit:
            events.append(SlotSet("usual_size", habit))
        return events

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        # Runs on every message: an empty message or broken data must not make it talk.
        try:
            context = shop_context.current()
        except ShopDataError:
            return []
        return self.answer(CollectingDispatcher(), tracker, context)


class ActionStartFromProduct(ShopAction):
    """/start_from_product{"product": ...}: the chat opens from a product page."""

    def name(self) -> Text:
        return "action_start_from_product"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        product = context.shop.catalogue.find(latest_entity(tracker, "product") or tracker.get_slot("product") or "")
        if product is None:
            dispatcher.utter_message(text=context.conversation.smalltalk_reply(
                "greet", shop_name=context.shop.policy.shop.name))
            return []
        dispatcher.utter_message(text=context.conversation.product.page_product.format(
            name=product.name, price=yuan(product.price)))
        return [SlotSet("product", product.id), SlotSet("page_product", product.id)]

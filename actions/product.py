"""Product questions answered from the catalogue: facts (面料/起球/怎么洗), stock, recommendations.

Size advice has its own form (actions/sizing.py); a size question asked while that form is
collecting (有尺码表吗 / 这件偏大吗) gets the chart and fit note here before the form asks again.
"""
from __future__ import annotations

from dataclasses import replace
from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction
from actions.routing import answers
from actions.tracker_reading import add_handoff_reason, discussed, entity_or_slot, latest_entities, latest_entity
from actions.shop_context import ShopContext
from actions.sizing import ask_which_product, focus_from_tracker
from bot.shop.comparison import compare_products
from bot.shop.fields import yuan
from bot.shop.product_facts import answer_product_question, answer_shop_wide_question
from bot.shop.questions import COMPARE, PRODUCT, RECOMMEND, WITH_STOCK, Question
from bot.shop.recommendation import answer_recommendation, recommendation_request
from bot.shop.sizing import answer_size_by_waist
from bot.shop.stock import answer_stock
from bot.text.body import waist_cm
from bot.text.product_features import feature_lexicon
from bot.text.question_cues import ComparedOn


@answers(PRODUCT)
def reply_product_details(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                          question: Question) -> Optional[List[EventType]]:
    """A detail of the product named or in view (含绒量, 模特, 几个颜色, M码腰围), from the catalogue; what it does
    not hold is said honestly and handed to a colleague with the buyer's question."""
    focus = focus_from_tracker(tracker, context)
    product = context.shop.catalogue.find(question.products[0]) if question.products else focus.product
    lexicon = feature_lexicon()
    features = [lexicon.features[key] for key in question.features if key in lexicon.features]
    if product is None and features and all(f.shop_wide for f in features) and not question.attributes:
        # 价保 / 礼盒 with no product in view: a question for a colleague all the same, not "which product?".
        answer = answer_shop_wide_question(context.shop, features, question.text)
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "ask_product"), add_handoff_reason(tracker, answer.hand_off_reason)]
    if product is None:
        ask_which_product(dispatcher, context, focus.candidates)
        return [SlotSet("last_topic", "ask_product"),
                SlotSet("product_candidates", [p.id for p in focus.candidates] or None)]
    waist = waist_cm(question.text) if question.measure == "waist" and question.size is None else None
    by_waist = answer_size_by_waist(context.shop, product, waist) if waist else None
    if by_waist is not None:
        # 我腰围二尺四 穿多大: the buyer's own waist, so the size it takes, not the chart's waist column.
        dispatcher.utter_message(text=by_waist.text)
        events = [SlotSet("product", product.id), SlotSet("last_topic", "ask_size"), discussed(tracker, [product.id])]
        if by_waist.hand_off_reason is not None:
            events.append(add_handoff_reason(tracker, by_waist.hand_off_reason))
        return events
    with_stock = question.aspect == WITH_STOCK
    answer = answer_product_question(context.shop, product, list(question.attributes),
                                     size=None if with_stock else question.size, features=features,
                                     measure=question.measure, color=None if with_stock else question.color,
                                     question=question.text, unknown_question=question.aspect == "unknown",
                                     sizes=question.pair)
    dispatcher.utter_message(text=answer.text)
    if with_stock:
        dispatcher.utter_message(text=answer_stock(context.shop, product, color=question.color,
                                                   size=question.size).text)
    events: List[EventType] = [SlotSet("product", product.id), SlotSet("last_topic", "ask_product"),
                               discussed(tracker, [product.id])]
    if answer.hand_off_reason is not None:
        events.append(add_handoff_reason(tracker, answer.hand_off_reason))
    return events


@answers(COMPARE)
def reply_comparison(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                     question: Question) -> Optional[List[EventType]]:
    """Two products compared on what the buyer asks."""
    catalogue = context.shop.catalogue
    pair = [p for p in (catalogue.find(pid) for pid in question.products) if p is not None]
    if len(pair) < 2:
        return None
    lexicon = feature_lexicon()
    feature = next((lexicon.features[key] for key in question.features if key in lexicon.features), None)
    on = ComparedOn(question.compare_key, question.compare_word or "", question.compare_more) \
        if question.compare_key else None
    answer = compare_products(context.shop, pair, on, feature)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "compare"), discussed(tracker, [p.id for p in pair])]


@answers(RECOMMEND)
def reply_recommendation(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                         question: Question) -> Optional[List[EventType]]:
    """A recommendation refined by what the buyer adds (a budget, a person, an occasion, cheaper)."""
    return recommend(dispatcher, tracker, context, question)


class ActionAnswerProduct(ShopAction):
    """ask_product, ask_stock, ask_recommendation (and ask_size while the size form is collecting)."""

    reads_questions = True

    def name(self) -> Text:
        return "action_answer_product"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent == "ask_recommendation":
            return recommend(dispatcher, tracker, context)
        return reply_product_question(dispatcher, tracker, context, intent)


def reply_product_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, intent: Text,
    follow_up: bool = False,
) -> List[EventType]:
    """Stock (ask_stock) or facts (ask_product, ask_size: the chart) of the product meant.

    A follow-up (那灰色呢 / 牛仔裤 after "which one?") keeps the colour and size asked about before
    unless it names new ones; a new question uses only its own.
    """
    focus = focus_from_tracker(tracker, context)
    if focus.product is None:
        ask_which_product(dispatcher, context, focus.candidates)
        return [SlotSet("last_topic", intent),
                SlotSet("product_candidates", [p.id for p in focus.candidates] or None)]
    product = focus.product
    events: List[EventType] = [SlotSet("product", product.id), SlotSet("last_topic", intent)]
    if intent == "ask_stock":
        pick = entity_or_slot if follow_up else latest_entity
        answer = answer_stock(context.shop, product, color=pick(tracker, "color"), size=pick(tracker, "size"))
    else:
        attributes = latest_entities(tracker, "attribute")
        if intent == "ask_size" and not attributes:
            attributes = ["measurements"]
        answer = answer_product_question(context.shop, product, attributes)
    dispatcher.utter_message(text=answer.text)
    if answer.hand_off_reason is not None:
        # Said honestly to the buyer; a person fills the gap (and the catalogue) later.
        events.append(add_handoff_reason(tracker, answer.hand_off_reason))
    return events


def recommend(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
              question: Optional[Question] = None) -> List[EventType]:
    """One or two products for what the buyer said (occasion, colour, budget, for whom) and why; a wish added
    after a recommendation (预算500以内, 男生穿的, 要便宜点的) refines the one before."""
    text = tracker.latest_message.get("text") or ""
    catalogue = context.shop.catalogue
    heard = recommendation_request(text, catalogue)
    before = dict(question.recommend) if question is not None else {}
    wishes = {key: before.get(key) for key in ("occasion", "gender", "garment", "budget", "color")}
    occasions = list(before.get("occasion") or [])
    occasions += [o for o in heard.get("occasion", []) if o not in occasions]
    wishes.update({k: v for k, v in heard.items() if k != "occasion"})
    wishes["occasion"] = occasions or None
    if latest_entity(tracker, "garment"):
        wishes["garment"] = latest_entity(tracker, "garment")
    if latest_entity(tracker, "color"):
        wishes["color"] = latest_entity(tracker, "color")
    budget = latest_entity(tracker, "amount")
    if budget is not None and heard.get("budget") is None:
        wishes["budget"] = budget
    cheaper_than = None
    if before.get("cheaper") or (question is not None and dict(question.recommend).get("cheaper")):
        # 有便宜点的吗: cheaper than everything recommended just before.
        picked_before = [catalogue.find(pid) for pid in (question.products if question else ())]
        prices = [p.price for p in picked_before if p is not None]
        cheaper_than = min(prices) if prices else None
    answer = answer_recommendation(
        context.shop,
        occasion=wishes.get("occasion"),
        color=wishes.get("color"),
        budget=wishes.get("budget"),
        gender=wishes.get("gender"),
        garment=wishes.get("garment"),
        text="" if question is not None else text,
        cheaper_than=cheaper_than,
    )
    dispatcher.utter_message(text=answer.text)
    picked = answer.facts.get("products") or []
    events: List[EventType] = [SlotSet("last_topic", "ask_recommendation")]
    if len(picked) == 1:
        events.append(SlotSet("product", picked[0]))
    if picked:
        events.append(discussed(tracker, picked))
    kept = {k: v for k, v in wishes.items() if v}
    read = question or Question(topic=RECOMMEND, text=text)
    events.append(SlotSet("question", replace(read, recommend=tuple(kept.items()), products=tuple(picked)).as_slot()))
    return events


def described_facts(tracker: Tracker, context: ShopContext) -> Optional[Text]:
    """The facts of the latest message in words (身高165cm、体重50kg、M码), or None."""
    parts = []
    for item in tracker.latest_message.get("entities", []) or []:
        name, value = item.get("entity"), item.get("value")
        if name == "height":
            parts.append(f"身高{value:g}cm")
        elif name == "weight":
            parts.append(f"体重{value:g}kg")
        elif name == "size":
            parts.append(f"{value}码")
        elif name == "product":
            product = context.shop.catalogue.find(value)
            parts.append(product.name if product else str(value))
        elif name == "fit":
            parts.append({"loose": "喜欢宽松", "fitted": "喜欢合身"}.get(value, str(value)))
        elif name in ("color", "region", "courier", "garment"):
            parts.append(str(value))
        elif name == "amount":
            parts.append(f"{yuan(value)}元")
    return "、".join(dict.fromkeys(parts)) or None

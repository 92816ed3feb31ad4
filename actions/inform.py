"""A bare fact from the buyer (新疆 / 顺丰呢 / 165 50kg / an order number), read against the last topic."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions.base import ShopAction
from actions.tracker_reading import latest_entity
from actions.orders import reply_order_question
from bot.orders.choice import ORDER_TOPICS
from actions.product import described_facts, reply_product_question
from actions.sizing import FORM, bare_number_answer, reply_size_followup
from actions.shipping import reply_courier, reply_shipping_fee, reply_shipping_time
from actions.shop_context import ShopContext
from bot.text.order_requests import new_address

#: Facts that change a size answer: another product, a correction, a preference.
SIZE_FACTS = ("height", "weight", "product", "garment", "fit", "size")
PRODUCT_FACTS = ("product", "garment", "color", "size", "attribute")


def has_any(tracker: Tracker, entities) -> bool:
    return any(latest_entity(tracker, name) is not None for name in entities)


class ActionHandleInform(ShopAction):
    """Answers the last topic again for the new fact (那新疆呢 after a postage answer), or notes it."""

    reads_questions = True

    def name(self) -> Text:
        return "action_handle_inform"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        topic = tracker.get_slot("last_topic")
        if tracker.active_loop.get("name") == FORM and has_any(tracker, SIZE_FACTS):
            # The size form asks for what is still missing right after this; the slots hold the facts.
            return []
        region, courier = latest_entity(tracker, "region"), latest_entity(tracker, "courier")
        if region and topic == "shipping_fee":
            return reply_shipping_fee(dispatcher, context, region, None)
        if region and topic == "shipping_time":
            return reply_shipping_time(dispatcher, context, region)
        if courier and topic in ("courier", "shipping_fee", "shipping_time"):
            return reply_courier(dispatcher, context, courier)
        if topic == "ask_size" and has_any(tracker, SIZE_FACTS) or has_any(tracker, ("height", "weight", "fit")):
            # Measurements or a fit preference are only ever given for size advice.
            return reply_size_followup(dispatcher, tracker, context)
        corrected = bare_number_answer(tracker) if topic == "ask_size" else {}
        if corrected:  # 不对 是170 right after a size answer
            return reply_size_followup(dispatcher, tracker, context, corrected)
        if not topic and _on_a_sized_page(tracker, context):
            bare = bare_number_answer(tracker)
            if "height" in bare:  # 158 as the first thing said on a product page: a height, for its size
                return reply_size_followup(dispatcher, tracker, context, bare)
        if topic in ("ask_stock", "ask_product") and has_any(tracker, PRODUCT_FACTS):
            return reply_product_question(dispatcher, tracker, context, topic, follow_up=True)
        order_id = latest_entity(tracker, "order_id")
        if order_id or topic == "modify_order" and new_address(tracker.latest_message.get("text") or ""):
            # The order number (or the new address) asked for: answer the order question now.
            return reply_order_question(dispatcher, tracker, context, topic if topic in ORDER_TOPICS else "track_order")
        facts = described_facts(tracker, context)
        lines = context.conversation.inform
        dispatcher.utter_message(text=lines.noted.format(facts=facts) if facts else lines.nothing)
        return []


def _on_a_sized_page(tracker: Tracker, context: ShopContext) -> bool:
    """Whether the buyer is on a product page whose product has a size chart."""
    product = context.shop.catalogue.find(tracker.get_slot("page_product") or "")
    return product is not None and product.size_chart is not None

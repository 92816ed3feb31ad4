"""A bare fact from the buyer (新疆 / 顺丰呢 / 165 50kg / an order number), read against the last topic."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions.base import ShopAction, add_handoff_reason, entity_or_slot, latest_entity
from actions.product import described_facts, reply_size_question
from actions.shipping import reply_courier, reply_shipping_fee, reply_shipping_time
from actions.shop_context import ShopContext

ORDER_TOPICS = ("track_order", "modify_order", "cancel_order", "return_request")


class ActionHandleInform(ShopAction):
    """Answers the last topic again for the new fact (那新疆呢 after a postage answer), or notes it."""

    def name(self) -> Text:
        return "action_handle_inform"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        topic = tracker.get_slot("last_topic")
        region, courier = latest_entity(tracker, "region"), latest_entity(tracker, "courier")
        if region and topic == "shipping_fee":
            return reply_shipping_fee(dispatcher, context, region, None)
        if region and topic == "shipping_time":
            return reply_shipping_time(dispatcher, context, region)
        if courier and topic in ("courier", "shipping_fee", "shipping_time"):
            return reply_courier(dispatcher, context, courier)
        if topic == "ask_size" and (latest_entity(tracker, "height") or latest_entity(tracker, "weight")):
            product = context.shop.catalogue.find(entity_or_slot(tracker, "product") or "")
            return reply_size_question(dispatcher, tracker, context, product)
        order_id = latest_entity(tracker, "order_id")
        if order_id:
            lines = context.conversation.orders
            dispatcher.utter_message(text=lines.got_order_id.format(order_id=order_id))
            return [add_handoff_reason(tracker, topic if topic in ORDER_TOPICS else "order_question")]
        facts = described_facts(tracker, context)
        lines = context.conversation.inform
        dispatcher.utter_message(text=lines.noted.format(facts=facts) if facts else lines.nothing)
        return []

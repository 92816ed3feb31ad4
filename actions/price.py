"""Price questions: what an order costs, coupons and events, bargaining, paying and invoices, from the policy."""
from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.base import ShopAction
from actions.routing import answers
from actions.tracker_reading import add_handoff_reason, discussed, entity_or_slot, latest_entity, latest_text
from actions.shop_context import ShopContext
from bot.shop import answer_invoice, answer_payment, answer_promotions, decide_bargain
from bot.shop.coupons import answer_coupon_question
from bot.shop.pricing import amount_off_asked
from bot.shop.price_quote import Line, Quote, answer_event_saving, answer_quote, answer_same_price, quote, quote_day
from bot.shop.questions import INVOICE, PAYMENT, PRICE, PROMOTION, Question

#: Words of a big sale, when paying is asked about at its time (双十二的时候也能用信用卡吗).
_SALE = re.compile(r"大促|双十一|双11|双十二|双12|618|活动期间|搞活动")


def basket(context: ShopContext, question: Question) -> List[Line]:
    """The order a question is about, as priced lines (products no longer in the catalogue are left out)."""
    lines = []
    for product_id, quantity in question.items:
        product = context.shop.catalogue.find(product_id)
        if product is not None and quantity > 0:
            lines.append(Line(product, int(quantity)))
    return lines


def quote_for(context: ShopContext, question: Question, day=None) -> Optional[Quote]:
    """The question's order priced today (or on ``day``), for its region and courier; None without one."""
    lines = basket(context, question)
    if not lines:
        return None
    day = day or quote_day(context.shop, shop_context.now(context))
    return quote(context.shop, lines, day, region=question.region, courier=question.courier,
                 new_member=question.new_member)


@answers(PRICE)
def reply_price(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                question: Question) -> Optional[List[EventType]]:
    """What an order costs: the total with its coupon and postage, the gap to a threshold, the same price in
    another colour, or the saving at a coming event."""
    shop = context.shop
    now_quote = quote_for(context, question)
    if now_quote is None:
        return None
    today = now_quote.day
    coming = [p for p in (shop.policy.promotions) if p.id in question.promotions and p.start > today]
    if question.aspect == "same_price":
        product = now_quote.lines[0].product
        answer = answer_same_price(shop, product, question.color, now_quote)
    elif coming:
        answer = answer_event_saving(shop, now_quote, quote_for(context, question, coming[0].start), coming[0])
    else:
        answer = answer_quote(shop, now_quote, "gap" if question.aspect == "gap" else "total")
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", PRICE), discussed(tracker, [line.product.id for line in now_quote.lines])]


@answers(PROMOTION)
def reply_promotion(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                    question: Question) -> Optional[List[EventType]]:
    """One question about coupons and events (stacking, how to get, until when, can it be used here)."""
    shop = context.shop
    named = [p for pid in question.promotions for p in shop.policy.promotions if p.id == pid]
    amount, product = question.amount, None
    if question.aspect == "use" and amount is None:
        priced = quote_for(context, question)
        if priced is not None:
            amount = round(priced.subtotal - sum(off for p, off in priced.discounts if p.kind == "discount"), 2)
            product = priced.lines[0].product if len(priced.lines) == 1 else None
    answer = answer_coupon_question(shop, shop_context.now(context), question.aspect or "list", named, amount=amount,
                                    product=product, new_member=question.new_member)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "promotion")]


@answers(PAYMENT)
def reply_payment(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                  question: Question) -> Optional[List[EventType]]:
    """A payment question, for the order or amount talked about (can 1328 be split into instalments?)."""
    amount = question.amount
    if amount is None and question.payment == "instalments":
        priced = quote_for(context, question)
        amount = priced.total if priced is not None else None
    sale = bool(question.promotions) or bool(_SALE.search(question.text))
    hint = question.payment if question.payment and question.payment != "overview" else question.text
    answer = answer_payment(context.shop, text_hint=hint, amount=amount, periods=question.periods, sale=sale,
                            how=question.aspect == "how", words=question.text)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "payment")]


@answers(INVOICE)
def reply_invoice(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                  question: Question) -> Optional[List[EventType]]:
    """An invoice question: the kind, the title, 专票, paper, and what amount it is for."""
    answer = answer_invoice(context.shop, text_hint=question.text, aspect=question.aspect or None,
                            parts=question.features)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "invoice")]


class ActionHandleBargain(ShopAction):
    reads_questions = True

    """bargain: holds the price politely; insisting or asking past the agents' limit goes to a person."""

    def name(self) -> Text:
        return "action_handle_bargain"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        attempt = int(tracker.get_slot("bargain_attempts") or 0) + 1
        product = context.shop.catalogue.find(entity_or_slot(tracker, "product") or "")
        decision = decide_bargain(
            context.shop,
            shop_context.now(context),
            attempt=attempt,
            amount_asked=amount_off_asked(latest_text(tracker), latest_entity(tracker, "amount"),
                                          product.price if product is not None else None),
            product=product,
        )
        dispatcher.utter_message(text=decision.text)
        events: List[EventType] = [SlotSet("bargain_attempts", float(attempt)), SlotSet("last_topic", "bargain")]
        if decision.hand_off_reason is not None:
            events.append(add_handoff_reason(tracker, decision.hand_off_reason))
        return events


class ActionAnswerPromotions(ShopAction):
    reads_questions = True

    """ask_promotion: only the promotions live today, or when the next one starts."""

    def name(self) -> Text:
        return "action_answer_promotions"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        answer = answer_promotions(context.shop, shop_context.now(context))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "promotion")]


class ActionAnswerPayment(ShopAction):
    reads_questions = True

    """ask_payment: 花呗, instalments, paying for someone else, failures."""

    def name(self) -> Text:
        return "action_answer_payment"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        answer = answer_payment(context.shop, text_hint=tracker.latest_message.get("text"))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "payment")]


class ActionAnswerInvoice(ShopAction):
    reads_questions = True

    """ask_invoice: electronic invoices, when, which titles."""

    def name(self) -> Text:
        return "action_answer_invoice"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        answer = answer_invoice(context.shop, text_hint=tracker.latest_message.get("text"))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "invoice")]

"""The shop's core: policy, catalogue and reply templates from data/shop, and the answers built on them.

Plain Python over data files: no Rasa imports, no I/O at import time, and every answer that depends
on time takes ``now`` (timezone-aware) instead of reading the clock.

Typical use::

    from bot.shop import load_shop, answer_shipping_time
    shop = load_shop()
    answer = answer_shipping_time(shop, now, region="新疆")
    answer.text, answer.facts
"""

from bot.shop.catalogue import Catalogue, Product, load_catalogue
from bot.shop.errors import ShopDataError
from bot.shop.invoices import answer_invoice
from bot.shop.loading import Shop, load_policy, load_replies, load_shop
from bot.shop.payment import answer_payment
from bot.shop.pricing import BargainDecision, answer_promotions, decide_bargain, live_promotions
from bot.shop.replies import Answer, Replies
from bot.shop.returns import answer_exchange, answer_return_policy, answer_return_window, no_reason_returnable
from bot.shop.schema import Policy
from bot.shop.service_hours import agents_on_duty, answer_service_hours, next_on_duty
from bot.shop.shipping import answer_courier, answer_shipping_fee, answer_shipping_time
from bot.shop.workdays import dispatch_date

__all__ = [
    "Answer",
    "BargainDecision",
    "Catalogue",
    "Policy",
    "Product",
    "Replies",
    "Shop",
    "ShopDataError",
    "agents_on_duty",
    "answer_courier",
    "answer_exchange",
    "answer_invoice",
    "answer_payment",
    "answer_promotions",
    "answer_return_policy",
    "answer_return_window",
    "answer_service_hours",
    "answer_shipping_fee",
    "answer_shipping_time",
    "decide_bargain",
    "dispatch_date",
    "live_promotions",
    "load_catalogue",
    "load_policy",
    "load_replies",
    "load_shop",
    "next_on_duty",
    "no_reason_returnable",
]

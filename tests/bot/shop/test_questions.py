"""What exactly a buyer asks, in context (bot/shop/questions.py): the topic, the aspect, what it is about."""
from __future__ import annotations

from typing import Optional

import pytest

from bot.shop.questions import Context, Heard, Question, read_question
from tests.moments import NOW


def ask(shop, text, intent, entities=(), previous: Optional[Question] = None, **context) -> Optional[Question]:
    """Reads ``text``; entities are (name, value, start) as the extractor gives them."""
    found = {}
    for name, value, start in entities:
        found.setdefault(name, []).append((value, start))
    heard = Heard(text, intent, {name: tuple(values) for name, values in found.items()})
    return read_question(shop.policy, shop.catalogue, heard, Context(previous=previous, **context), NOW)


def test_a_total_is_a_price_not_bargaining(shop):
    question = ask(shop, "买两件多少钱", "bargain", in_view="hd-fleece-01")
    assert (question.topic, question.aspect, question.items) == ("price", "total", (("hd-fleece-01", 2),))
    assert ask(shop, "能便宜点吗", "bargain", in_view="hd-fleece-01") is None  # the bargaining answer applies


def test_a_basket_of_several_products_and_their_quantities(shop):
    question = ask(shop, "卫衣加一件T恤 寄内蒙古一共多少钱", "ask_shipping_fee",
                   [("product", "hd-fleece-01", 0), ("product", "ts-cotton-01", 5), ("region", "内蒙古", 8)])
    assert question.items == (("hd-fleece-01", 1), ("ts-cotton-01", 1)) and question.region == "内蒙古"
    each = ask(shop, "polo白色黑色各要一件 多少钱", "nlu_fallback",
               [("product", "po-men-01", 0), ("color", "白色", 4), ("color", "黑色", 6)])
    assert each.items == (("po-men-01", 2),)


def test_follow_ups_change_one_thing(shop):
    price = Question(topic="price", aspect="total", items=(("hd-fleece-01", 2),))
    three = ask(shop, "三件呢", "inform", previous=price)
    assert (three.topic, three.items) == ("price", (("hd-fleece-01", 3),))
    added = ask(shop, "那加一包袜子呢", "inform", [("product", "so-cotton-01", 3)], previous=price)
    assert added.items == (("hd-fleece-01", 2), ("so-cotton-01", 1))
    postage = Question(topic="shipping_fee", region="广东", items=(("ts-cotton-01", 1),))
    moved = ask(shop, "两件寄新疆呢", "inform", [("region", "新疆", 2)], previous=postage)
    assert (moved.topic, moved.region, moved.items) == ("shipping_fee", "新疆", (("ts-cotton-01", 2),))


def test_asking_the_charge_after_instalments_stays_on_instalments(shop):
    instalments = Question(topic="payment", aspect="instalments", payment="instalments")
    charge = ask(shop, "有手续费吗", "ask_payment", previous=instalments)
    assert (charge.topic, charge.payment) == ("payment", "instalments")
    assert ask(shop, "可以货到付款吗", "ask_payment", previous=instalments).payment == "cash_on_delivery"


def test_a_question_of_its_own_keeps_the_order_talked_about(shop):
    price = Question(topic="price", aspect="total", items=(("ct-wool-01", 1), ("jk-down-01", 1)))
    instalments = ask(shop, "能分期吗", "ask_payment", previous=price)
    assert (instalments.topic, instalments.payment, instalments.items) == ("payment", "instalments", price.items)
    postage = ask(shop, "包邮吗", "ask_shipping_fee", previous=price)
    assert (postage.topic, postage.items) == ("shipping_fee", price.items)


@pytest.mark.parametrize("text, intent, aspect, promotions", [
    ("这两张能一起用吗", "ask_product", "stack", ()),
    ("一个订单能用几张店铺券", "ask_promotion", "count", ("store-coupon-299-30",)),
    ("新人券怎么领", "ask_promotion", "get", ("new-member-10",)),
    ("满299减30的券什么时候过期", "ask_promotion", "expiry", ("store-coupon-299-30",)),
    ("双十一的85折还有吗", "ask_promotion", "status", ("double-11-2026",)),
    ("这件开衫能用满减券吗", "ask_promotion", "use", ("store-coupon-299-30",)),
])
def test_coupon_questions(shop, text, intent, aspect, promotions):
    question = ask(shop, text, intent, in_view="cd-knit-01")
    assert (question.topic, question.aspect, question.promotions) == ("promotion", aspect, promotions)


def test_paying_words_are_not_a_coupon_question(shop):
    question = ask(shop, "双十二的时候也能用信用卡吗", "ask_payment")
    assert (question.topic, question.payment, question.promotions) == ("payment", "credit_card", ("double-12-2026",))
    assert ask(shop, "能用花呗吗", "ask_payment").topic == "payment"


def test_a_comparison_of_two_named_or_the_two_talked_about(shop):
    named = ask(shop, "羽绒服和羊毛大衣哪个更暖和", "ask_recommendation",
                [("product", "jk-down-01", 0), ("product", "ct-wool-01", 4), ("attribute", "warmth", 11)])
    assert (named.topic, named.products, named.compare_key) == ("compare", ("jk-down-01", "ct-wool-01"), "warmth")
    these = ask(shop, "这两件哪件更暖和些", "ask_recommendation", discussed=("jk-down-01", "ct-wool-01", "ts-cotton-01"))
    assert these.products == ("jk-down-01", "ct-wool-01")
    again = ask(shop, "哪个贵", "ask_recommendation", previous=named)
    assert (again.products, again.compare_key, again.compare_more) == (named.products, "price", True)
    assert ask(shop, "xl还是2xl", "ask_size", [("size", "XL", 0), ("size", "2XL", 3)]) is None or \
        ask(shop, "xl还是2xl", "ask_size", [("size", "XL", 0), ("size", "2XL", 3)]).topic != "compare"


def test_product_details_and_honest_gaps(shop):
    detail = ask(shop, "会不会钻绒", "ask_product")
    assert (detail.topic, detail.features) == ("product", ("down_leak",))
    measure = ask(shop, "M码腰围多少", "ask_size", [("size", "M", 0), ("attribute", "measurements", 2)])
    assert (measure.topic, measure.size, measure.measure) == ("product", "M", "waist")
    follow = ask(shop, "大腿围呢", "inform", previous=measure)
    assert (follow.size, follow.measure) == ("M", "thigh")
    unknown = ask(shop, "这件衣服适合孕妇穿吗", "ask_product")
    assert (unknown.topic, unknown.aspect) == ("product", "unknown")
    assert ask(shop, "这件怎么样", "ask_product") is None  # a general ask: the summary
    assert ask(shop, "今天杭州下雨吗", "out_of_scope", [("region", "浙江", 2)]) is None  # the weather, no garment


@pytest.mark.parametrize("text, intent", [
    ("我现在买了 双十二降价了怎么办", "ask_promotion"),  # names an event, but asks about price protection
    ("你们家有价保吗", "ask_price"),
    ("送人的 有礼盒吗", "ask_product"),
])
def test_a_shop_wide_detail_nothing_answers_is_a_colleagues_question_whatever_the_topic(shop, text, intent):
    question = ask(shop, text, intent)
    assert question.topic == "product" and question.features and not question.attributes


def test_a_shop_wide_detail_with_another_detail_is_read_as_product_details(shop):
    question = ask(shop, "有礼盒吗 会起球吗", "ask_product", [("attribute", "pilling", 6)])
    assert question.topic == "product" and "pilling" in question.attributes


def test_a_detail_and_stock_in_one_message_are_both_asked(shop):
    question = ask(shop, "这个卫衣会掉毛吗 还有黑色L有货没", "ask_product",
                   [("attribute", "pilling", 5), ("color", "黑色", 11), ("size", "L", 13)], in_view="hd-fleece-01")
    assert (question.topic, question.aspect, question.color, question.size) == ("product", "with_stock", "黑色", "L")
    alone = ask(shop, "黑色的会掉色吗", "ask_product", [("attribute", "fading", 5), ("color", "黑色", 0)],
                in_view="hd-fleece-01")
    assert alone.aspect == "" and alone.color == "黑色"  # no stock asked: the colour is the detail's


@pytest.mark.parametrize("text, holiday", [("元旦放假吗 还发货吗", "元旦"), ("五一发货吗", "劳动节"), ("中秋还发货吗", "中秋节")])
def test_a_holiday_named_in_a_shipping_question(shop, text, holiday):
    question = ask(shop, text, "ask_shipping_time")
    assert (question.topic, question.aspect, question.holiday) == ("shipping_time", "holiday", holiday)


def test_another_holiday_as_a_follow_up(shop):
    new_year = ask(shop, "元旦还发货吗", "ask_shipping_time")
    may_day = ask(shop, "五一呢", "inform", previous=new_year)
    assert (may_day.topic, may_day.aspect, may_day.holiday) == ("shipping_time", "holiday", "劳动节")


def test_one_measure_of_two_sizes(shop):
    question = ask(shop, "xl和2xl衣长差多少", "ask_size", [("size", "XL", 0), ("size", "2XL", 3)],
                   in_view="jk-wind-01")
    assert (question.topic, question.measure, question.size, question.pair) == ("product", "length", None,
                                                                              ("XL", "2XL"))


def test_what_the_buyers_own_order_holds_is_an_order_question(shop):
    question = ask(shop, "我之前买的牛仔裤是什么码来着", "ask_size", [("product", "jn-denim-01", 5)])
    assert (question.topic, question.aspect, question.products) == ("order", "bought", ("jn-denim-01",))
    before_buying = ask(shop, "牛仔裤什么码合适", "ask_size", [("product", "jn-denim-01", 0)])
    assert before_buying is None or before_buying.topic != "order"


def test_the_price_difference_of_two_products_is_a_comparison_not_a_total(shop):
    question = ask(shop, "卫衣和T恤差多少钱", "ask_price", [("product", "hd-fleece-01", 0), ("product", "ts-cotton-01", 3)])
    assert (question.topic, question.compare_key, question.products) == ("compare", "price",
                                                                        ("hd-fleece-01", "ts-cotton-01"))
    total = ask(shop, "卫衣和T恤一共多少钱", "ask_price", [("product", "hd-fleece-01", 0), ("product", "ts-cotton-01", 3)])
    assert total.topic == "price"


def test_size_follow_ups(shop):
    sized = dict(last_topic="ask_size", measured=True)
    loose = ask(shop, "想穿宽松一点呢", "inform", [("fit", "loose", 1)], **sized)
    assert (loose.topic, loose.aspect) == ("size", "advice")
    body = ask(shop, "大腿也有点粗 M会不会紧", "ask_size", [("size", "M", 7)], body=("broad_hips",), **sized)
    assert body.body == ("thick_thighs", "broad_hips")
    layer = ask(shop, "里面想穿卫衣", "inform", [("product", "hd-fleece-01", 4)], **sized)
    assert (layer.layering, layer.products) == ("卫衣", ())  # the hoodie is worn under it, not asked about
    pair = ask(shop, "xl还是2xl", "ask_size", [("size", "XL", 0), ("size", "2XL", 3)], **sized)
    assert pair.pair == ("XL", "2XL")
    people = ask(shop, "情侣穿 男的175 130斤 女的158 90斤 各拍什么码", "ask_size",
                 [("height", 175, 6), ("weight", 65.0, 10), ("height", 158, 17), ("weight", 45.0, 21)])
    assert people.people == (("男生", 175.0, 65.0), ("女生", 158.0, 45.0))
    assert ask(shop, "想穿宽松一点呢", "inform", [("fit", "loose", 1)]) is None  # no size talked about


def test_exchanges(shop):
    smaller = ask(shop, "风衣太肥了 想换个小号", "return_request", [("product", "jk-wind-01", 0), ("size", "S", 8)])
    assert (smaller.topic, smaller.aspect, smaller.direction) == ("exchange", "request", "smaller")
    assert smaller.size is None  # 小号 is one size down, not the size S
    bigger = ask(shop, "买的风衣xl小了 想换2xl", "return_request",
                 [("product", "jk-wind-01", 2), ("size", "XL", 4), ("size", "2XL", 10)])
    assert bigger.size == "2XL"
    rules = Question(topic="exchange", aspect="request", products=("jk-wind-01",))
    assert ask(shop, "来回运费谁出", "ask_return_policy", previous=rules).aspect == "postage"
    assert ask(shop, "能换几次", "ask_return_policy").aspect == "times"
    assert ask(shop, "寄回去的时候要注意什么", "complain_service", previous=rules).aspect == "send_back"


def test_returns_shipping_service_hours_and_buying(shop):
    assert ask(shop, "退货能寄到付吗", "ask_return_policy").aspect == "cod"
    conditions = ask(shop, "吊牌剪了呢", "complain_quality", previous=Question(topic="returns", aspect="conditions"))
    assert (conditions.topic, conditions.aspect) == ("returns", "conditions")
    assert ask(shop, "你们几点截单", "out_of_scope").aspect == "cutoff"
    later = ask(shop, "要是我五点以后才付款呢", "inform", previous=Question(topic="shipping_time"))
    assert later.aspect == "later" and later.at.startswith("2026-11-23T17:00")
    assert ask(shop, "你们人工客服几点上班啊", "request_human").topic == "service_hours"
    assert ask(shop, "帮我转人工", "request_human") is None
    assert ask(shop, "好的 那我拍米白的", "inform", [("color", "米白", 6)]).topic == "will_buy"
    assert ask(shop, "我的快递到哪了", "track_order") is None  # the order's own answer


def test_the_slot_value_round_trips(shop):
    question = ask(shop, "卫衣加一件T恤 寄内蒙古一共多少钱", "ask_shipping_fee",
                   [("product", "hd-fleece-01", 0), ("product", "ts-cotton-01", 5), ("region", "内蒙古", 8)])
    assert Question.from_slot(question.as_slot()) == question
    assert Question.from_slot({"topic": "weather"}) is None and Question.from_slot("price") is None


def test_both_of_the_two_talked_about(shop):
    compared = Question(topic="compare", products=("po-men-01", "pt-chino-01"), compare_key="price")
    question = ask(shop, "两件都买多少钱", "ask_promotion", previous=compared, in_view="po-men-01")
    assert (question.topic, question.items) == ("price", (("po-men-01", 1), ("pt-chino-01", 1)))

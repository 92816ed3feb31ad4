"""The running assistant advises sizes from the product's chart across turns and answers product
questions from the catalogue: the conversations of issue 3, end to end through NLU, rules, form and actions."""
from __future__ import annotations

import uuid


from bot.shop.product_facts import answer_product_question
from bot.shop.sizing import answer_size
from bot.shop.stock import answer_stock


def new_buyer() -> str:
    return f"buyer-{uuid.uuid4().hex[:10]}"


def test_size_then_trousers_then_stock_then_pilling(assistant, shop):
    buyer = new_buyer()
    sweatshirt, jeans = shop.catalogue.find("hd-fleece-01"), shop.catalogue.find("jn-denim-01")
    first = assistant.texts(buyer, "这件卫衣我165 100斤穿什么码")
    advice = answer_size(shop, sweatshirt, 165, 50)
    assert first == [advice.text] and advice.facts["size"] in first[0]
    # Same measurements, the trousers this buyer fits (the men's chinos start at 52 kg).
    assert assistant.texts(buyer, "那裤子呢") == [answer_size(shop, jeans, 165, 50).text]
    assert assistant.texts(buyer, "黑色L还有吗") == [answer_stock(shop, jeans, color="黑色", size="L").text]
    assert assistant.texts(buyer, "会起球吗") == [answer_product_question(shop, jeans, ["pilling"]).text]


def test_measurements_one_by_one_with_a_question_in_between(assistant, shop):
    buyer = new_buyer()
    coat = shop.catalogue.find("jk-down-01")
    asked = assistant.texts(buyer, "羽绒服穿多大码")
    assert any("身高" in line for line in asked)
    assert any("体重" in line for line in assistant.texts(buyer, "身高一米六"))
    assert assistant.texts(buyer, "98斤") == [answer_size(shop, coat, 160, 49).text]


def test_an_implausible_height_is_asked_again(assistant, shop):
    buyer = new_buyer()
    assistant.texts(buyer, "羊毛大衣穿什么码")
    replies = assistant.texts(buyer, "身高16 体重50kg")
    assert any("16cm" in line and "不太对" in line for line in replies)
    assert assistant.tracker(buyer)["slots"]["height"] is None


def test_the_shop_pages_product_is_the_one_asked_about(assistant, shop):
    buyer = new_buyer()
    chinos = shop.catalogue.find("pt-chino-01")
    page = {"product": chinos.id}
    assistant.texts(buyer, "在吗", metadata=page)
    assert assistant.texts(buyer, "180 70kg穿几码", metadata=page) == [answer_size(shop, chinos, 180, 70).text]

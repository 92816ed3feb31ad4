"""Product detail answers: each attribute from the catalogue, several at once, unknown ones handed off."""

from __future__ import annotations

import pytest

from bot.shop.product_facts import (
    ATTRIBUTES,
    answer_length_question,
    answer_product_question,
    answer_shop_wide_question,
)
from bot.text.product_features import features_asked
from bot.shop.replies import MAX_LINES

#: Details the demo catalogue leaves out on purpose, so the hand-off path is exercised.
DELIBERATE_GAPS = {
    "jk-down-01": {"shrinking", "see_through"},
    "cd-knit-01": set(),
    "dr-shirt-01": {"warmth", "workmanship"},
    "jn-denim-01": {"warmth", "workmanship"},
    "sk-pleat-01": {"warmth"},
    "ct-wool-01": {"see_through"},
    "po-men-01": {"warmth", "workmanship"},
    "pt-chino-01": {"workmanship"},
    "hd-fleece-01": {"see_through"},
    "ts-cotton-01": {"warmth"},
    "jk-wind-01": {"see_through"},
    "so-cotton-01": {"shrinking", "see_through", "warmth", "workmanship", "measurements", "model"},
}


def test_the_attribute_keys_are_the_agreed_ones():
    assert set(ATTRIBUTES) == {
        "fabric", "pilling", "fading", "shrinking", "thickness", "see_through", "stretch",
        "warmth", "care", "genuine", "measurements", "workmanship", "colors", "model",
    }


@pytest.mark.parametrize(
    "product, attributes, expected",
    [
        ("开衫", ["pilling"], "亲，羊毛混纺穿久了腋下、袖口摩擦多的地方会有一点小球，正常现象，用起球器修一下就好哦～"),
        ("开衫", ["fading"], "亲，不掉色哦～"),
        ("牛仔裤", ["shrinking"], "亲，面料洗水预缩过，按说明冷水洗基本不缩哦～"),
        ("衬衫裙", ["see_through"], "亲，白色单穿会微透，建议搭浅色或肤色内衣，另外两个颜色不透哦～"),
        ("卫衣", ["warmth"], "亲，加绒加厚，零度左右里面穿件打底衫就够哦～"),
        ("大衣", ["care"], "亲，洗护：只能干洗哦～"),
        ("T恤", ["fabric"], "亲，材质：100%新疆长绒棉，230克重磅哦～"),
        ("卫衣", ["thickness"], "亲，这款是加厚款哦～"),
        ("休闲裤", ["stretch"], "亲，弹力比较好哦～"),
        ("百褶裙", ["workmanship"], "亲，褶子是高温定型的，机洗后也不会掉褶哦～"),
        ("风衣", ["genuine"], "亲，全店都是品牌自己工厂出的正品，吊牌、水洗标齐全，支持验货哦～"),
        ("T恤", ["thickness", "see_through"], "亲，这款厚薄适中；230克重磅面料，白色单穿也不透哦～"),
    ],
)
def test_one_or_several_known_attributes(shop, product, attributes, expected):
    answer = answer_product_question(shop, shop.catalogue.find(product), attributes)
    assert answer.text == expected
    assert answer.facts["unknown"] == [] and answer.hand_off_reason is None
    assert list(answer.facts["answered"]) == attributes


@pytest.mark.parametrize(
    "product, attributes, unknown, expected",
    [
        ("羽绒服", ["see_through"], ["see_through"], ["亲，透不透这个小店要跟同事确认一下"]),
        ("羽绒服", ["pilling", "shrinking"], ["shrinking"], ["不会起球", "\n缩不缩水我跟同事确认一下"]),
        ("袜子", ["warmth", "workmanship"], ["warmth", "workmanship"], ["亲，保暖程度、做工细节这个"]),
        ("袜子", ["measurements"], ["measurements"], ["具体尺寸"]),
        ("Polo衫", ["fabric", "warmth"], ["warmth"], ["珠地网眼", "保暖程度我跟同事确认一下"]),
    ],
)
def test_unknown_attributes_are_never_invented(shop, product, attributes, unknown, expected):
    item = shop.catalogue.find(product)
    answer = answer_product_question(shop, item, attributes)
    for text in expected:
        assert text in answer.text, answer.text
    assert answer.facts["unknown"] == unknown
    assert answer.hand_off_reason.key == "unknown_fact" and answer.hand_off_reason.detail.startswith(item.name)
    assert not set(unknown) & set(answer.facts["answered"])


def test_the_demo_gaps_are_exactly_the_deliberate_ones(shop):
    assert {p.id for p in shop.catalogue.products} == set(DELIBERATE_GAPS)
    for product in shop.catalogue.products:
        answer = answer_product_question(shop, product, ATTRIBUTES)
        assert set(answer.facts["unknown"]) == DELIBERATE_GAPS[product.id], product.id
        assert answer.text.startswith("亲，") and 1 <= len(answer.lines) <= MAX_LINES


def test_genuine_is_unknown_when_the_policy_has_no_statement(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["shop"].pop("authenticity"))
    shop = shop_copy.load()
    answer = answer_product_question(shop, shop.catalogue.find("卫衣"), ["genuine"])
    assert answer.facts["unknown"] == ["genuine"] and "是不是正品" in answer.text


def test_no_attribute_gives_a_short_summary(shop):
    answer = answer_product_question(shop, shop.catalogue.find("牛仔裤"), [])
    assert answer.text == "亲，女款高腰直筒牛仔裤169元，98%棉 2%氨纶，这款厚薄适中～\n颜色有浅蓝色、深蓝色、黑色，尺码有XS/S/M/L/XL哦"
    assert answer.facts == {"product": "jn-denim-01", "attributes": [], "answered": {}, "unknown": [], "features": []}


def test_summary_without_thickness(shop):
    product = shop.catalogue.find("袜子").copy(update={"thickness": None})
    assert answer_product_question(shop, product, []).text.startswith("亲，男女款精梳棉中筒袜五双装39元，80%精梳棉")


@pytest.mark.parametrize(
    "product, size, expected, value",
    [
        ("羽绒服", None, "亲，各码尺寸（厘米）：S码衣长90/胸围108，M码衣长92/胸围112，L码衣长94/胸围116，"
                        "XL码衣长96/胸围120，2XL码衣长98/胸围126哦～", {"length": 90, "bust": 108}),
        ("牛仔裤", None, "XS码腰围62/臀围88，S码腰围66/臀围92", {"waist": 62, "hip": 88}),
        ("百褶裙", None, "S码腰围64/裙长75", {"waist": 64, "length": 75}),
        ("休闲裤", "31", "亲，31码尺寸（厘米）：裤长102、腰围79、臀围101、大腿围60哦～", None),
        ("牛仔裤", "m", "M码尺寸（厘米）：裤长94、腰围70、臀围96、大腿围56", None),
        ("牛仔裤", "3XL", "亲，这款没有3XL码，有XS/S/M/L/XL码哦～", None),
    ],
)
def test_measurements_from_the_size_chart(shop, product, size, expected, value):
    answer = answer_product_question(shop, shop.catalogue.find(product), ["measurements"], size=size)
    assert expected in answer.text, answer.text
    assert answer.facts["unknown"] == []
    if value is not None:
        first = next(iter(answer.facts["answered"]["measurements"].values()))
        assert first == value


def test_repeated_attributes_are_answered_once_and_bad_keys_refused(shop):
    product = shop.catalogue.find("T恤")
    answer = answer_product_question(shop, product, ["fading", "fading"])
    assert answer.facts["attributes"] == ["fading"]
    with pytest.raises(ValueError, match="colour"):
        answer_product_question(shop, product, ["colour"])


def test_trailing_punctuation_in_the_catalogue_is_not_doubled(shop):
    product = shop.catalogue.find("T恤").copy(update={"fading": "不掉色。"})
    assert answer_product_question(shop, product, ["fading"]).text == "亲，不掉色哦～"


def test_many_attributes_stay_within_four_lines(shop):
    answer = answer_product_question(shop, shop.catalogue.find("袜子"), ATTRIBUTES, size="均码")
    assert len(answer.lines) <= MAX_LINES
    assert set(answer.facts["answered"]) | set(answer.facts["unknown"]) == set(ATTRIBUTES)


def details(text):
    return features_asked(text)


@pytest.mark.parametrize("product, text, says", [
    ("羽绒服", "含绒量多少", "含绒量90%"),
    ("羽绒服", "充绒量呢", "160克"),
    ("羽绒服", "会不会钻绒", "防钻绒"),
    ("开衫", "这个扎不扎", "不扎"),
    ("Polo衫", "领子会卷边吗", "不卷边"),
    ("卫衣", "帽绳会不会缩进去", "金属扣，不会缩进去"),  # the clause that goes on is said with it
    ("T恤", "能用漂白剂吗", "不可漂白"),
    ("风衣", "帽子能收起来吗", "收进领子"),
    ("百褶裙", "是松紧腰吗", "松紧腰"),
    ("牛仔裤", "是九分的吗", "九分"),
    ("袜子", "一包几双", "5双装"),
])
def test_details_beyond_the_fields_are_answered_from_the_products_sentences(shop, product, text, says):
    answer = answer_product_question(shop, shop.catalogue.find(product), [], features=details(text), question=text)
    assert says in answer.text and answer.hand_off_reason is None
    assert "颜色有" not in answer.text and len(answer.lines) <= 2


@pytest.mark.parametrize("product, text", [
    ("羽绒服", "帽子能拆下来吗"), ("大衣", "羊毛大衣扎人吗"), ("大衣", "里外两面都能穿吗"), ("卫衣", "哪里生产的"),
    ("开衫", "有没有质检报告"), ("大衣", "有礼盒包装吗"),
])
def test_a_detail_the_data_lacks_goes_to_a_colleague_with_the_buyers_words(shop, product, text):
    item = shop.catalogue.find(product)
    answer = answer_product_question(shop, item, [], features=details(text), question=text)
    assert "同事确认" in answer.text
    assert answer.hand_off_reason.key == "unknown_fact" and answer.hand_off_reason.detail == f"{item.name}：{text}"


def test_a_question_nothing_reads_is_not_answered_with_the_summary(shop):
    item = shop.catalogue.find("T恤")
    answer = answer_product_question(shop, item, [], question="适合孕妇穿吗", unknown_question=True)
    assert "同事确认" in answer.text and "颜色有" not in answer.text
    assert answer.hand_off_reason.detail == f"{item.name}：适合孕妇穿吗"


@pytest.mark.parametrize("product, attribute, color, says, not_said", [
    ("衬衫裙", "fading", "卡其色", "卡其色头两次洗会有一点浮色", "浅蓝条纹和白色不掉色"),
    ("衬衫裙", "fading", "浅蓝条纹", "浅蓝条纹和白色不掉色", "浮色"),
    ("Polo衫", "see_through", "白色", "微透", "其他颜色不透"),
    ("Polo衫", "see_through", "藏青", "其他颜色不透", "微透"),
    ("T恤", "see_through", "粉色", "浅粉色的话", None),  # said of the product as a whole: holds for pink too
])
def test_a_colour_asked_about_gets_what_is_said_of_it(shop, product, attribute, color, says, not_said):
    text = answer_product_question(shop, shop.catalogue.find(product), [attribute], color=color).text
    assert says in text and (not_said is None or not_said not in text), text


def test_one_measurement_of_one_size_colours_and_the_model(shop):
    jeans = shop.catalogue.find("牛仔裤")
    assert answer_product_question(shop, jeans, ["measurements"], size="M", measure="waist").text == "亲，M码腰围70厘米哦～"
    every = answer_product_question(shop, jeans, ["measurements"], measure="thigh").text
    assert "52" in every and "60" in every and "腰围" not in every
    windbreaker = shop.catalogue.find("风衣")
    assert "3个颜色" in answer_product_question(shop, windbreaker, ["colors"]).text
    assert "模特182cm 73kg，穿XL码" in answer_product_question(shop, windbreaker, ["model"]).text


@pytest.mark.parametrize("product_id, text, says", [
    ("sk-pleat-01", "我150 穿这个会不会拖地", ["到小腿", "S码75", "L码77"]),
    ("jn-denim-01", "160穿会不会太长", ["九分", "M码94"]),
    ("ct-wool-01", "我155穿会不会太长了", ["衣长", "S码100"]),
])
def test_a_length_question_gets_each_sizes_length_and_how_it_wears(shop, product_id, text, says):
    answer = answer_length_question(shop, shop.catalogue.find(product_id), text)
    assert answer is not None and all(words in answer.text for words in says), answer and answer.text


@pytest.mark.parametrize("product_id, text", [
    ("sk-pleat-01", "我150 90斤穿什么码"),  # no length asked
    ("so-cotton-01", "会不会太长"),  # socks: no chart, no length sentence
])
def test_no_length_answer_without_a_length_question_or_data(shop, product_id, text):
    assert answer_length_question(shop, shop.catalogue.find(product_id), text) is None


def test_a_shop_wide_question_with_no_product_goes_to_a_colleague_with_the_buyers_words(shop):
    features = features_asked("双十二降价了怎么办")
    answer = answer_shop_wide_question(shop, features, "双十二降价了怎么办")
    assert "价保" in answer.text and "同事" in answer.text
    assert answer.hand_off_reason.key == "unknown_fact" and "双十二降价了怎么办" in answer.hand_off_reason.detail


def test_two_details_answered_by_the_same_clause_say_it_once(shop):
    down = shop.catalogue.find("jk-down-01")
    features = features_asked("充绒量多少克")
    assert len(features) == 2  # 充绒量 and the 克 of 克重
    answer = answer_product_question(shop, down, [], features=features)
    assert answer.text.count("充绒量160克") == 1 and not answer.facts["unknown"]


def test_one_measure_of_the_two_sizes_named(shop):
    coat = shop.catalogue.find("jk-wind-01")
    answer = answer_product_question(shop, coat, ["measurements"], measure="length", sizes=("XL", "2XL"))
    assert "XL码74" in answer.text and "2XL码76" in answer.text and "M码" not in answer.text, answer.text

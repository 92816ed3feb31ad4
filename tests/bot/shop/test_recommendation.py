"""Recommendations: reading the buyer's wishes, choosing among real products, the closest when none fits."""

from __future__ import annotations

import pytest

from bot.shop.recommendation import (
    MAX_RECOMMENDED,
    answer_recommendation,
    recommend_products,
    recommendation_request,
)
from bot.shop.replies import MAX_LINES


@pytest.mark.parametrize(
    "text, expected",
    [
        ("想送男朋友一件冬天穿的外套，500以内", {"occasion": ["保暖", "送礼"], "gender": "男", "garment": "外套", "budget": 500}),
        ("上班穿的裤子，预算两百", {"occasion": ["通勤"], "garment": "裤子", "budget": 200}),
        ("有没有200以内的", {"budget": 200}),
        ("预算300块左右", {"budget": 300}),
        ("200-300以内的衬衫裙", {"garment": "裙子", "budget": 300}),
        ("不超过１５０元", {"budget": 150}),
        ("情侣款卫衣", {"occasion": ["情侣"], "garment": "上衣"}),
        ("给老公买条裤子", {"gender": "男", "garment": "裤子"}),
        ("我和男朋友一起穿，女生也要能穿", {"occasion": ["情侣"]}),  # both genders: none assumed
        ("买件毛衣开衫和牛仔裤", {"garment": "上衣"}),  # the first garment mentioned
        ("三天内能到吗", {}),
        ("你好", {}),
        ("", {}),
    ],
)
def test_recommendation_request(shop, text, expected):
    assert recommendation_request(text, shop.catalogue) == expected


def test_recommendation_request_reads_the_repository_cues_by_default():
    assert recommendation_request("上班穿") == {"occasion": ["通勤"]}


def test_cue_words_are_the_owners(shop_copy):
    shop_copy.edit_yaml("catalogue.yml", lambda d: d["recommendation_cues"]["occasions"]["通勤"].append("开会"))
    assert recommendation_request("开会穿", shop_copy.load().catalogue) == {"occasion": ["通勤"]}


def _ids(recommendations):
    return [rec.product.id for rec in recommendations]


@pytest.mark.parametrize(
    "wishes, ids, exact",
    [
        # one wish
        ({"occasion": "情侣"}, ["hd-fleece-01", "ts-cotton-01"], True),
        ({"occasion": "保暖", "gender": "女"}, ["jk-down-01", "ct-wool-01"], True),
        ({"occasion": "保暖", "gender": "男"}, ["hd-fleece-01"], True),  # unisex fits men
        ({"garment": "裤子"}, ["jn-denim-01", "pt-chino-01"], True),
        ({"garment": "大衣"}, ["jk-down-01", "ct-wool-01"], True),  # a buyer word for 外套
        # budget filtering
        ({"budget": 100}, ["ts-cotton-01", "so-cotton-01"], True),
        ({"budget": "200", "garment": "裙子"}, ["sk-pleat-01"], True),
        ({"budget": 200, "occasion": "通勤", "gender": "男"}, ["po-men-01", "pt-chino-01"], True),
        ({"budget": 150, "occasion": "通勤", "gender": "男"}, ["po-men-01"], True),
        # colour: shades and sold-out colours
        ({"color": "蓝色", "garment": "裤子"}, ["jn-denim-01"], True),
        ({"color": "驼色"}, ["ct-wool-01"], True),
        # several occasions: all of them
        ({"occasion": ["保暖", "情侣"]}, ["hd-fleece-01"], True),
        ({"occasion": ["保暖", "送礼"], "gender": "男", "budget": 300}, ["hd-fleece-01"], True),
        # nothing fits everything: the single closest
        ({"garment": "外套", "budget": 300}, ["jk-wind-01"], False),  # over by least (329)
        ({"occasion": "约会", "gender": "男"}, ["po-men-01"], False),
        ({"color": "红色", "garment": "裙子"}, ["dr-shirt-01"], False),
        # never against gender or garment
        ({"gender": "男", "garment": "裙子"}, [], None),
        # no wish at all
        ({}, [], None),
        ({"text": "你好"}, [], None),
    ],
)
def test_recommend_products(shop, wishes, ids, exact):
    found = recommend_products(shop.catalogue, **wishes)
    assert _ids(found) == ids
    assert len(found) <= MAX_RECOMMENDED
    if exact is not None:
        assert all(rec.exact == exact for rec in found)
    for rec in found:
        gender = wishes.get("gender")
        assert not gender or rec.product.gender in (gender, "中性")


def test_reasons_and_misses(shop):
    [chino] = recommend_products(shop.catalogue, occasion="通勤", budget=190, garment="裤子")
    assert chino.product.id == "pt-chino-01"
    assert chino.reasons == {"occasion": ["通勤"], "budget": 190.0} and chino.misses == {}
    [closest] = recommend_products(shop.catalogue, garment="外套", budget=300, gender="男")
    assert closest.misses == {"budget": 29.0} and closest.reasons == {"gender": "男"}


def test_text_fills_only_the_wishes_not_given(shop):
    from_text = recommend_products(shop.catalogue, text="想买条裤子，200以内")
    assert _ids(from_text) == ["jn-denim-01", "pt-chino-01"]
    overridden = recommend_products(shop.catalogue, garment="裙子", text="想买条裤子，200以内")
    assert _ids(overridden) == ["sk-pleat-01"]


def test_a_colour_sold_out_in_every_size_is_not_offered(shop_copy):
    def sell_out(data):
        coat = next(p for p in data["products"] if p["id"] == "ct-wool-01")
        coat["stock"]["驼色"] = {size: 0 for size in coat["sizes"]}

    shop_copy.edit_yaml("catalogue.yml", sell_out)
    [closest] = recommend_products(shop_copy.load().catalogue, color="驼色")
    assert closest.misses == {"color": "驼色"}


def test_bad_arguments_are_refused(shop):
    with pytest.raises(ValueError, match="garment"):
        recommend_products(shop.catalogue, garment="帽子")
    with pytest.raises(ValueError):
        recommend_products(shop.catalogue, budget="很多")


@pytest.mark.parametrize(
    "wishes, status, expected",
    [
        (
            {"text": "上班穿的裤子，预算两百"},
            "matched",
            "亲，按您说的，这款最合适哦～\n· 休闲裤：男款修身弹力休闲裤（189元），适合通勤，在200元预算内\n喜欢的话可以问我尺码和库存哦～",
        ),
        (
            {"occasion": "情侣", "gender": "女"},
            "matched",
            "亲，按您说的，这两款比较合适哦～\n· 卫衣：中性款加绒连帽卫衣（229元），适合情侣，男女同款，女生也能穿\n"
            "· T恤：中性款纯棉圆领短袖T恤（79元），适合情侣，男女同款，女生也能穿\n喜欢的话可以问我尺码和库存哦～",
        ),
        (
            {"garment": "外套", "budget": 300},
            "closest",
            "亲，完全符合的暂时没有呢～ 最接近的是这款：\n· 风衣：男款连帽防泼水风衣外套（329元），比预算多29元\n喜欢的话可以问我尺码和库存哦～",
        ),
        (
            {"color": "红色", "garment": "裙子"},
            "closest",
            "· 衬衫裙：女款收腰衬衫连衣裙（259元），没有红色（有浅蓝条纹、白色、卡其色）",
        ),
        ({"gender": "男", "garment": "裙子"}, "no_match", "亲，店里暂时没有男款的裙子呢，抱歉哦～"),
        ({}, "ask", "亲想要什么样的呢？"),
    ],
)
def test_answer_recommendation(shop, wishes, status, expected):
    answer = answer_recommendation(shop, **wishes)
    assert answer.facts["status"] == status
    assert expected in answer.text, answer.text
    assert answer.text.startswith("亲") and 1 <= len(answer.lines) <= MAX_LINES
    for product_id in answer.facts["products"]:
        assert shop.catalogue.find(product_id) is not None


def test_recommendation_facts(shop):
    answer = answer_recommendation(shop, text="送男朋友冬天穿，300以内")
    assert answer.facts["wishes"] == {
        "occasion": ["保暖", "送礼"], "color": None, "budget": 300.0, "gender": "男", "garment": None,
    }
    assert answer.facts["products"] == ["hd-fleece-01"]
    assert answer.facts["reasons"]["hd-fleece-01"]["occasion"] == ["保暖", "送礼"]
    assert answer.facts["status"] == "matched"


def test_every_combination_names_only_real_products_in_four_lines(shop):
    for occasion in (None, "通勤", "约会", "保暖", "运动", "送礼", "情侣", "婚礼"):
        for gender in (None, "男", "女"):
            for budget in (None, 50, 150, 300, 1000):
                for garment in (None, "上衣", "外套", "裤子", "裙子", "袜子"):
                    answer = answer_recommendation(
                        shop, occasion=occasion, gender=gender, budget=budget, garment=garment, color="黑色"
                    )
                    assert 1 <= len(answer.lines) <= MAX_LINES and "{" not in answer.text
                    assert len(answer.facts["products"]) <= MAX_RECOMMENDED
                    for product_id in answer.facts["products"]:
                        assert shop.catalogue.find(product_id).name in answer.text


def test_cheaper_ones_are_under_the_cheapest_before_and_said_so_not_as_a_budget(shop):
    answer = answer_recommendation(shop, occasion="保暖", cheaper_than=459.0)
    prices = [shop.catalogue.find(pid).price for pid in answer.facts["products"]]
    assert prices and all(price < 459 for price in prices)
    assert "比459元便宜" in answer.text and "预算" not in answer.text
    stated = answer_recommendation(shop, occasion="保暖", budget=300, cheaper_than=459.0)
    assert "在300元预算内" in stated.text  # the buyer's own budget, already under the price before

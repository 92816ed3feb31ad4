"""Size advice from a product's chart: the rules table-driven, the catalogue checks, the reply."""

from __future__ import annotations

import pytest

from bot.shop import ShopDataError
from bot.shop.catalogue import Product
from bot.shop.replies import MAX_LINES
from bot.shop.sizing import (
    SizeAdvice,
    answer_one_size,
    answer_size_by_waist,
    answer_size,
    answer_sizes_for_people,
    is_top,
    recommend_size,
)

_ROWS = {
    "S": {"height_cm": [150, 157], "weight_kg": [40, 46]},
    "M": {"height_cm": [158, 163], "weight_kg": [47, 52]},
    "L": {"height_cm": [164, 168], "weight_kg": [53, 58]},
    "XL": {"height_cm": [169, 173], "weight_kg": [59, 65]},
}


def _product(kind: str = "top", runs: str = "正常", chart: bool = True, model: bool = True) -> Product:
    measure = {"bust": 100, "length": 60} if kind == "top" else {"waist": 70, "hip": 94, "length": 95}
    data = {
        "id": "xx-test-01", "name": "测试款", "category": "测试", "gender": "女", "price": 99,
        "colors": ["黑色"], "sizes": ["S", "M", "L", "XL"], "fabric": "棉", "fit": {"runs": runs},
    }
    if chart:
        data["size_chart"] = {size: {**row, **measure} for size, row in _ROWS.items()}
    if model:
        data["model_wears"] = {"height_cm": 165, "weight_kg": 48, "size": "M"}
    return Product.parse_obj(data)


@pytest.mark.parametrize(
    "kind, runs, height, weight, preference, usual, status, size, alternatives",
    [
        # inside one size, including the exact ends of its ranges
        ("top", "正常", 160, 50, None, None, "fits", "M", ("M",)),
        ("top", "正常", 150, 40, None, None, "fits", "S", ("S",)),
        ("top", "正常", 157, 46, None, None, "fits", "S", ("S",)),
        ("top", "正常", 158, 47, None, None, "fits", "M", ("M",)),
        ("top", "正常", 173, 65, None, None, "fits", "XL", ("XL",)),
        ("bottom", "正常", 166, 55, None, None, "fits", "L", ("L",)),
        ("top", "正常", 160, 50, "loose", "XL", "fits", "M", ("M",)),  # usual size only breaks ties
        # a value in the gap between two ranges belongs to both neighbours
        ("bottom", "正常", 157.5, 46.5, None, None, "between", None, ("S", "M")),
        ("bottom", "正常", 160, 46.5, None, None, "fits", "M", ("M",)),
        # height and weight one size apart
        ("bottom", "正常", 165, 50, None, None, "between", None, ("M", "L")),
        ("bottom", "正常", 165, 50, "fitted", None, "between", "M", ("M", "L")),
        ("bottom", "正常", 165, 50, "loose", None, "between", "L", ("M", "L")),
        ("bottom", "正常", 165, 50, None, "L", "between", "L", ("M", "L")),
        ("bottom", "正常", 165, 50, None, "M", "between", "M", ("M", "L")),
        ("bottom", "正常", 165, 50, None, "XL", "between", None, ("M", "L")),  # not one of the two
        ("bottom", "正常", 165, 50, "fitted", "L", "between", "M", ("M", "L")),  # preference first
        # tops: weight decides a one-step difference, whichever way
        ("top", "正常", 165, 50, None, None, "between", "M", ("M", "L")),
        ("top", "正常", 160, 55, None, None, "between", "L", ("M", "L")),
        ("top", "正常", 160, 55, "fitted", None, "between", "M", ("M", "L")),
        ("top", "正常", 165, 50, None, "L", "between", "L", ("M", "L")),
        # more than one step apart: never a guess
        ("top", "正常", 150, 60, None, None, "between", None, ("S", "XL")),
        ("top", "正常", 150, 60, "loose", None, "between", None, ("S", "XL")),
        # runs small: the next size up at the top of the weight range, not below it, not past XL
        ("top", "偏小", 160, 52, None, None, "fits", "L", ("L",)),
        ("top", "偏小", 160, 51, None, None, "fits", "L", ("L",)),
        ("top", "偏小", 160, 50, None, None, "fits", "M", ("M",)),
        ("top", "偏小", 163, 49, None, None, "fits", "M", ("M",)),  # top of height only: no shift
        ("top", "偏小", 172, 65, None, None, "fits", "XL", ("XL",)),
        # runs large: the next size down at the bottom of the weight range
        ("top", "偏大", 160, 47, None, None, "fits", "S", ("S",)),
        ("top", "偏大", 155, 40, None, None, "fits", "S", ("S",)),
        ("top", "宽松", 160, 52, None, None, "fits", "M", ("M",)),
        # outside every range
        ("top", "正常", 200, 60, None, None, "out_of_range", None, ()),
        ("top", "正常", 160, 38, None, None, "out_of_range", None, ()),
        ("top", "正常", 149, 45, None, None, "out_of_range", None, ()),
        ("top", "正常", 170, 66, None, None, "out_of_range", None, ()),
        ("top", "正常", 200, 120, "loose", "XL", "out_of_range", None, ()),
        # implausible input, at and beyond the bounds
        ("top", "正常", 16, 50, None, None, "implausible", None, ()),
        ("top", "正常", 165, 500, None, None, "implausible", None, ()),
        ("top", "正常", 99, 50, None, None, "implausible", None, ()),
        ("top", "正常", 231, 50, None, None, "implausible", None, ()),
        ("top", "正常", 165, 24, None, None, "implausible", None, ()),
        ("top", "正常", 165, 201, None, None, "implausible", None, ()),
        ("top", "正常", 100, 25, None, None, "out_of_range", None, ()),
        ("top", "正常", 230, 200, None, None, "out_of_range", None, ()),
    ],
)
def test_recommend_size(kind, runs, height, weight, preference, usual, status, size, alternatives):
    advice = recommend_size(_product(kind, runs), height, weight, preference, usual)
    assert (advice.status, advice.size, advice.alternatives) == (status, size, alternatives)
    assert advice.model is not None and advice.model.size == "M"


def test_reason_facts_name_the_ranges_and_the_fit():
    advice = recommend_size(_product("top", "偏小"), 160, 52)
    assert advice.reason_facts["rule"] == "runs_small"
    assert advice.reason_facts["shifted_from"] == "M"
    assert advice.reason_facts["height_range"] == (164, 168)
    assert advice.reason_facts["runs"] == "偏小"
    between = recommend_size(_product("top"), 165, 50)
    assert between.reason_facts["rule"] == "weight_dominates"
    assert (between.reason_facts["height_size"], between.reason_facts["weight_size"]) == ("L", "M")


def test_no_chart_and_one_size():
    advice = recommend_size(_product(chart=False), 165, 50)
    assert (advice.status, advice.size) == ("no_chart", None)


def test_advice_is_frozen_and_preference_is_checked():
    advice = recommend_size(_product(), 160, 50)
    assert isinstance(advice, SizeAdvice)
    with pytest.raises(AttributeError):
        advice.size = "L"  # type: ignore[misc]
    with pytest.raises(ValueError, match="preference"):
        recommend_size(_product(), 160, 50, preference="big")


def test_tops_are_told_from_charts():
    assert is_top(_product("top")) and not is_top(_product("bottom"))


@pytest.mark.parametrize(
    "product, height, weight, status, size",
    [
        ("卫衣", 165, 55, "fits", "M"),
        ("羽绒服", 165, 50, "between", "M"),  # top: weight decides
        ("牛仔裤", 165, 50, "fits", "M"),
        ("牛仔裤", 165, 53, "fits", "L"),  # runs small, top of M's weight
        ("牛仔裤", 160, 52, "between", "M"),  # runs small: the larger of the two
        ("衬衫裙", 157, 50, "between", None),  # a standard cut that is not a top: asks how they like it
        ("百褶裙", 165, 57.5, "between", "L"),  # the fit note says: choose by weight
        ("风衣", 171, 64, "fits", "M"),  # runs large, bottom of L's weight
        ("休闲裤", 175, 66, "fits", "31"),
        ("Polo衫", 200, 100, "out_of_range", None),
        ("羽绒服", 175, 40, "between", None),
        ("大衣", 165, 38, "out_of_range", None),
        ("袜子", 170, 60, "no_chart", "均码"),
    ],
)
def test_the_demo_catalogue(shop, product, height, weight, status, size):
    advice = recommend_size(shop.catalogue.find(product), height, weight)
    assert (advice.status, advice.size) == (status, size)


@pytest.mark.parametrize(
    "product, height, weight, preference, usual, expected",
    [
        ("卫衣", 165, 55, None, None, ["M码", "163-170cm"]),
        ("羽绒服", 165, 50, None, None, ["M码", "体重", "宽松选L码"]),
        ("牛仔裤", 165, 53, None, None, ["L码", "偏小"]),
        ("牛仔裤", 160, 52, None, None, ["S码和M码之间", "偏小", "M码"]),
        ("衬衫裙", 157, 50, None, None, ["S码和M码之间", "喜欢怎么穿"]),
        ("牛仔裤", 160, 52, "loose", None, ["M码", "宽松"]),
        ("牛仔裤", 160, 52, None, "S", ["S码", "平时穿S码"]),
        ("羽绒服", 200, 90, None, None, ["不在范围", "模特168cm 50kg 穿M码"]),
        ("羽绒服", 150, 60, None, None, ["不敢乱推荐", "模特"]),
        ("羽绒服", 16, 50, None, None, ["不太对"]),
        ("袜子", 170, 60, None, None, ["均码", "鞋码35-44"]),
    ],
)
def test_answer_size_is_short_and_says_why(shop, product, height, weight, preference, usual, expected):
    answer = answer_size(shop, shop.catalogue.find(product), height, weight, preference, usual)
    assert 1 <= len(answer.lines) <= MAX_LINES
    assert answer.text.startswith("亲")
    for text in expected:
        assert text in answer.text, answer.text
    assert answer.facts["status"] in {"fits", "between", "out_of_range", "implausible", "no_chart"}


def test_every_demo_product_and_buyer_gets_a_short_answer(shop):
    for product in shop.catalogue.products:
        for height in (16, 150, 158, 165, 172, 180, 190, 210):
            for weight in (20, 40, 48, 55, 62, 75, 90, 120):
                for preference in (None, "fitted", "loose"):
                    answer = answer_size(shop, product, height, weight, preference, "M")
                    assert 1 <= len(answer.lines) <= MAX_LINES
                    if answer.facts["size"]:
                        assert answer.facts["size"] in product.sizes


def test_out_of_range_without_a_model_says_a_colleague_will_check(shop):
    answer = answer_size(shop, _product(model=False), 200, 60)
    assert "同事" in answer.text and "模特" not in answer.text


def test_demo_stock_and_restock(shop):
    down = shop.catalogue.find("羽绒服")
    assert down.stock["雾霾蓝"]["2XL"] == 0
    assert str(down.restock["雾霾蓝"]["2XL"]) == "2026-12-05"
    for product in shop.catalogue.products:
        assert product.stock and set(product.stock) == set(product.colors)
        assert product.fit and product.thickness and product.stretch
        if product.sizes != ["均码"]:
            assert product.chart_sizes() == product.sizes and product.model_wears


# -- broken copies ---------------------------------------------------------------------------------


def _chart(d):
    return d["products"][0]["size_chart"]


def _stock(d):
    return d["products"][0]["stock"]


def _restock(d):
    return d["products"][0]["restock"]


@pytest.mark.parametrize(
    "change, field, problem",
    [
        (lambda d: _chart(d).update(XXL=_chart(d)["S"].copy()), "products[0].size_chart.XXL", "not in sizes"),
        (
            lambda d: _chart(d)["S"].update(height_cm=[157, 150]),
            "products[0].size_chart.S.height_cm",
            "above",
        ),
        (
            lambda d: _chart(d)["M"].update(weight_kg=[-48, 53]),
            "products[0].size_chart.M.weight_kg[0]",
            "positive",
        ),
        (lambda d: _chart(d)["M"].update(bust=-112), "products[0].size_chart.M.bust", "positive"),
        (lambda d: _chart(d)["M"].update(bust="112cm"), "products[0].size_chart.M.bust", "number"),
        (lambda d: _chart(d)["M"].update(chest=112), "products[0].size_chart.M.chest", "unknown field"),
        (lambda d: _chart(d)["M"].pop("height_cm"), "products[0].size_chart.M.height_cm", "required"),
        (lambda d: _stock(d).update(红色={"S": 1}), "products[0].stock.红色", "not in colors"),
        (lambda d: _stock(d)["黑色"].update(XS=3), "products[0].stock.黑色.XS", "not in sizes"),
        (lambda d: _stock(d)["黑色"].update(S=-1), "products[0].stock.黑色.S", "greater than"),
        (lambda d: _restock(d).update(黑色={"S": "2026-12-01"}), "products[0].restock.黑色.S",
         "only where stock is 0"),
        (lambda d: _restock(d).update(红色={"S": "2026-12-01"}), "products[0].restock.红色",
         "not in colors"),
        (lambda d: d["products"][0]["fit"].update(runs="超小"), "products[0].fit.runs", "permitted"),
        (lambda d: d["products"][0].update(thickness="很厚"), "products[0].thickness", "permitted"),
        (lambda d: d["products"][0]["model_wears"].update(size="3XL"), "products[0].model_wears.size",
         "not in sizes"),
    ],
)
def test_a_broken_chart_names_file_field_and_problem(shop_copy, change, field, problem):
    shop_copy.edit_yaml("catalogue.yml", change)
    with pytest.raises(ShopDataError) as info:
        shop_copy.load()
    message = str(info.value)
    lines = [line for line in message.splitlines() if f": {field}: " in line]
    assert lines, message
    assert any(str(shop_copy.path("catalogue.yml")) in line and problem in line for line in lines), message


def test_a_product_without_the_new_fields_still_loads(shop_copy):
    def strip(d):
        for key in ("size_chart", "stock", "restock", "fit", "thickness", "stretch", "model_wears"):
            d["products"][0].pop(key)

    shop_copy.edit_yaml("catalogue.yml", strip)
    product = shop_copy.load().catalogue.find("羽绒服")
    assert product.size_chart is None and product.chart_sizes() == []
    assert recommend_size(product, 165, 50).status == "no_chart"


def test_a_stated_preference_is_not_answered_with_both_options_again(shop):
    # 170 cm, 62 kg is between M and L of the demo sweatshirt.
    product = shop.catalogue.find("hd-fleece-01")
    chosen = answer_size(shop, product, 170, 62, preference="loose")
    assert chosen.facts["size"] == "L" and len(chosen.text.splitlines()) == 2
    other = shop.replies.render("size_advice.between_other", smaller="M", larger="L")
    assert other not in chosen.text


@pytest.mark.parametrize("product, height, weight, kwargs, size, says", [
    ("卫衣", 162, 47.5, {"preference": "loose"}, "M", "宽松"),  # fits S; looser is one up
    ("T恤", 175, 65, {"preference": "loose"}, "XL", "宽松"),
    ("大衣", 160, 50, {"preference": "fitted"}, "S", "合身"),  # a loose cocoon cut: one down
    ("Polo衫", 172, 67.5, {"preference": "fitted"}, "L", "L码"),  # a standard cut stays
    ("Polo衫", 172, 67.5, {"usual_size": "XL"}, "XL", "平时穿XL码"),  # standard: the usual neighbour
    ("休闲裤", 175, 65, {"usual_size": "32"}, "32", "平时穿32码"),  # runs small: the larger usual size
    ("休闲裤", 175, 65, {"usual_size": "30"}, "31", "平时穿30码"),  # runs small: not the smaller one
    ("牛仔裤", 157, 45, {"body": ["broad_hips"]}, "M", "臀围96cm"),
    ("休闲裤", 176, 65, {"body": ["thick_thighs"]}, "32", "大腿围61cm"),
    ("大衣", 160, 50, {"preference": "fitted", "body": ["broad_shoulders"]}, "M", "肩宽51cm"),
    ("羽绒服", 160, 50, {"layering": "毛衣"}, "M", "不用拍大"),  # the fit note: a sweater fits inside
    ("牛仔裤", 157, 45, {"layering": "打底裤"}, "M", "大一码"),  # nothing says it fits: one up
    ("风衣", 178, 75, {"pair": ["XL", "2XL"]}, "XL", "XL码和2XL码里选XL码"),
])
def test_what_the_buyer_adds_moves_the_size_as_the_fit_note_says(shop, product, height, weight, kwargs, size, says):
    answer = answer_size(shop, shop.catalogue.find(product), height, weight, **kwargs)
    assert answer.facts["size"] == size and says in answer.text, answer.text


def test_two_people_at_once(shop):
    answer = answer_sizes_for_people(shop, shop.catalogue.find("卫衣"), [("男生", 175, 65), ("女生", 158, 45)])
    assert answer.facts["sizes"] == ["L", "S"]
    assert "男生175cm 65kg建议拍L码" in answer.text and "女生158cm 45kg建议拍S码" in answer.text


def test_a_one_size_product_needs_no_measurements(shop):
    answer = answer_one_size(shop, shop.catalogue.find("袜子"))
    assert "均码" in answer.text and "鞋码35-44" in answer.text and "身高" not in answer.text


@pytest.mark.parametrize("product_id, waist, size", [
    ("pt-chino-01", 80.0, "31"),  # 弹力: the 79 cm waist gives the 1 cm
    ("pt-chino-01", 73.3, "29"),
    ("jn-denim-01", 70.0, "M"),
    ("sk-pleat-01", 66.7, "M"),
])
def test_a_size_from_the_buyers_waist(shop, product_id, waist, size):
    answer = answer_size_by_waist(shop, shop.catalogue.find(product_id), waist)
    assert answer.facts["size"] == size and f"建议拍{size}码" in answer.text, answer.text
    assert answer.hand_off_reason is None


def test_a_waist_over_the_largest_size_goes_to_a_colleague(shop):
    answer = answer_size_by_waist(shop, shop.catalogue.find("jn-denim-01"), 90.0)
    assert answer.facts["size"] is None and "XL码腰围78厘米" in answer.text
    assert answer.hand_off_reason.key == "size_unknown"


def test_no_waist_advice_for_a_chart_without_waists(shop):
    assert answer_size_by_waist(shop, shop.catalogue.find("ct-wool-01"), 70.0) is None

"""Loading data/shop: the real files load, and every kind of broken copy stops loading clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.shop import ShopDataError, load_shop
from bot.shop.data_files import DEFAULT_SHOP_DIR
from bot.shop.vocabulary import shop_vocabulary

# Rasa 3.6 treats any YAML under data/ with one of these keys (at any indent) as training data.
RASA_KEYS = re.compile(r"^\s*(nlu|responses|stories|rules)\s*:", re.MULTILINE)


def test_default_shop_dir_is_found_from_the_module_not_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shop = load_shop()
    assert shop.shop_dir == Path(__file__).resolve().parents[3] / "data" / "shop"
    assert shop.policy.shop.timezone == "Asia/Shanghai"
    assert len(shop.catalogue.products) == 12


@pytest.mark.parametrize("name", ["policy.yml", "catalogue.yml", "replies.yml"])
def test_shop_files_hold_no_key_rasa_would_load_as_training_data(name):
    text = (DEFAULT_SHOP_DIR / name).read_text(encoding="utf-8")
    assert RASA_KEYS.search(text) is None


def test_vocabulary_holds_products_couriers_regions_promotions_and_policy_terms(shop):
    words = shop_vocabulary(shop)
    for term in [
        "羽绒服",
        "那件白色外套",
        "牛仔裤",
        "雾霾蓝",
        "顺丰",
        "顺丰速运",
        "新疆",
        "乌鲁木齐",
        "双十二满399减50",
        "双十二",
        "七天无理由",
        "运费险",
        "包邮",
        "电子发票",
        "花呗",
    ]:
        assert term in words, term
    assert len(words) == len(set(words))
    assert all(len(w) >= 2 for w in words)  # 沪, 京 and other one-character aliases stay out


# -- broken copies ---------------------------------------------------------------------------------


def _error(shop_copy) -> str:
    with pytest.raises(ShopDataError) as info:
        shop_copy.load()
    return str(info.value)


def _set_courier_surcharge(data):
    data["couriers"][2]["surcharge"] = -5


@pytest.mark.parametrize(
    "file, change, field, problem",
    [
        # typo in a field name
        (
            "policy.yml",
            lambda d: d["dispatch"].update(cutof=d["dispatch"].pop("cutoff")),
            "dispatch.cutof",
            "unknown field",
        ),
        (
            "policy.yml",
            lambda d: d["couriers"][1].update(surchage=3),
            "couriers[1].surchage",
            "unknown field",
        ),
        (
            "catalogue.yml",
            lambda d: d["products"][0].update(colour=["红色"]),
            "products[0].colour",
            "unknown field",
        ),
        # a required field missing
        ("policy.yml", lambda d: d["postage"].pop("standard_fee"), "postage.standard_fee", "required"),
        # wrong types
        (
            "policy.yml",
            lambda d: d["postage"].update(free_threshold="99元"),
            "postage.free_threshold",
            "number",
        ),
        ("policy.yml", lambda d: d["couriers"][0].update(available="yes"), "couriers[0].available", "bool"),
        (
            "policy.yml",
            lambda d: d["returns"].update(no_reason_days="七"),
            "returns.no_reason_days",
            "integer",
        ),
        ("catalogue.yml", lambda d: d["products"][3].update(colors="黑色"), "products[3].colors", "list"),
        ("catalogue.yml", lambda d: d["products"][0].update(price="459"), "products[0].price", "number"),
        # negative numbers
        ("policy.yml", _set_courier_surcharge, "couriers[2].surcharge", "negative"),
        (
            "policy.yml",
            lambda d: d["postage"].update(free_threshold=-1),
            "postage.free_threshold",
            "negative",
        ),
        (
            "policy.yml",
            lambda d: d["postage"]["remote"][0].update(fee=-20),
            "postage.remote[0].fee",
            "negative",
        ),
        (
            "policy.yml",
            lambda d: d["delivery_zones"][0].update(days_max=-2),
            "delivery_zones[0].days_max",
            "greater than or equal to 0",
        ),
        (
            "policy.yml",
            lambda d: d["pricing"].update(agent_discount_max=-20),
            "pricing.agent_discount_max",
            "negative",
        ),
        ("catalogue.yml", lambda d: d["products"][5].update(price=-899), "products[5].price", "negative"),
        ("catalogue.yml", lambda d: d["products"][5].update(price=0), "products[5].price", "more than 0"),
        # values that parse but make no sense
        ("policy.yml", lambda d: d["dispatch"].update(cutoff="25:00"), "dispatch.cutoff", "HH:MM"),
        ("policy.yml", lambda d: d["dispatch"].update(cutoff="4pm"), "dispatch.cutoff", "HH:MM"),
        (
            "policy.yml",
            lambda d: d["dispatch"].update(weekdays=["周一", "礼拜二"]),
            "dispatch.weekdays[1]",
            "周一",
        ),
        (
            "policy.yml",
            lambda d: d["shop"].update(timezone="China/Beijing"),
            "shop.timezone",
            "unknown timezone",
        ),
        (
            "policy.yml",
            lambda d: d["service_hours"]["daily"].update(end="08:00"),
            "service_hours.daily",
            "later than start",
        ),
        (
            "policy.yml",
            lambda d: d["promotions"][0].update(end="2025-12-01"),
            "promotions[0]",
            "end is before start",
        ),
        (
            "policy.yml",
            lambda d: d["holidays"][1].update(end="2026-02-01"),
            "holidays[1]",
            "end is before start",
        ),
        (
            "policy.yml",
            lambda d: d["delivery_zones"][1].update(days_min=9),
            "delivery_zones[1]",
            "days_max is less than days_min",
        ),
        (
            "policy.yml",
            lambda d: d["promotions"][0].update(amount_off=300),
            "promotions[0]",
            "less than threshold",
        ),
        (
            "policy.yml",
            lambda d: d["promotions"][0].update(description="店铺首页领取，无门槛"),
            "promotions[0]",
            "says 无门槛 but threshold is 299",
        ),
        # cross-checks
        ("policy.yml", lambda d: d.update(default_courier="百世"), "default_courier", "not in couriers"),
        ("policy.yml", lambda d: d.update(default_courier="京东"), "default_courier", "available: false"),
        (
            "policy.yml",
            lambda d: d["postage"]["remote"][1].update(region="西藏省份"),
            "postage.remote[1].region",
            "unknown region",
        ),
        (
            "policy.yml",
            lambda d: d["postage"]["remote"].append({"region": "新疆", "fee": 30}),
            "postage.remote[7].region",
            "listed twice",
        ),
        (
            "policy.yml",
            lambda d: d["delivery_zones"][0]["regions"].append("台湾"),
            "delivery_zones[0].regions[4]",
            "unknown region",
        ),
        (
            "policy.yml",
            lambda d: d["delivery_zones"][3]["regions"].remove("青海"),
            "delivery_zones",
            "'青海' is in no delivery zone",
        ),
        (
            "policy.yml",
            lambda d: d["couriers"][4]["default_for_regions"].append("火星"),
            "couriers[4].default_for_regions[3]",
            "unknown region",
        ),
        (
            "policy.yml",
            lambda d: d["couriers"][1]["aliases"].append("中通快递"),
            "couriers[1].aliases[3]",
            "also names courier",
        ),
        (
            "policy.yml",
            lambda d: d["regions"][10]["cities"].append("石家庄"),
            "regions[10].cities[9]",
            "also names region '河北'",
        ),
        (
            "policy.yml",
            lambda d: d["holidays"].append(dict(d["holidays"][1], name="春节补假")),
            "holidays[14]",
            "overlaps",
        ),
        (
            "policy.yml",
            lambda d: d["promotions"].append(dict(d["promotions"][0])),
            "promotions[5].id",
            "duplicate id",
        ),
        (
            "policy.yml",
            lambda d: d["promotions"][2]["product_ids"].append("xx-none-01"),
            "promotions[2].product_ids[4]",
            "no product",
        ),
        (
            "policy.yml",
            lambda d: d["dispatch"]["make_up_days"].append("2026-10-03"),
            "dispatch.make_up_days[5]",
            "inside a holiday",
        ),
        (
            "catalogue.yml",
            lambda d: d["products"].append(dict(d["products"][0])),
            "products[12].id",
            "duplicate id",
        ),
        (
            "catalogue.yml",
            lambda d: d["products"][1]["aliases"].append("羽绒服"),
            "products[1].aliases[5]",
            "jk-down-01",
        ),
        (
            "catalogue.yml",
            lambda d: d["products"][0].update(sizes=["S", "M", "S"]),
            "products[0].sizes",
            "listed twice",
        ),
        (
            "catalogue.yml",
            lambda d: d["products"][0].update(id="JK Down"),
            "products[0].id",
            "string does not match",
        ),
    ],
)
def test_a_broken_copy_names_file_field_and_problem(shop_copy, file, change, field, problem):
    shop_copy.edit_yaml(file, change)
    message = _error(shop_copy)
    lines = [line for line in message.splitlines() if field in line]
    assert lines, message
    assert any(str(shop_copy.path(file)) in line and problem in line for line in lines), message


def test_every_problem_is_reported_on_its_own_line_with_the_file(shop_copy):
    def two_mistakes(data):
        data["couriers"][2]["surcharge"] = -12
        data["postage"]["standard_fee"] = "八"

    shop_copy.edit_yaml("policy.yml", two_mistakes)
    lines = _error(shop_copy).splitlines()
    assert len(lines) == 2
    assert all(line.startswith(str(shop_copy.path("policy.yml")) + ": ") for line in lines)
    assert {line.split(": ")[1] for line in lines} == {"couriers[2].surcharge", "postage.standard_fee"}


def test_an_unquoted_clock_time_is_read_as_written_not_as_base_60(shop_copy):
    # YAML 1.1 reads 16:00 as the integer 960; the shop's loader must not.
    shop_copy.replace_text("policy.yml", 'cutoff: "16:00"', "cutoff: 15:30")
    assert shop_copy.load().policy.dispatch.cutoff.strftime("%H:%M") == "15:30"


def test_yes_is_not_a_boolean(shop_copy):
    shop_copy.replace_text("policy.yml", "  special_vat: false", "  special_vat: no")
    assert "invoices.special_vat" in _error(shop_copy)


def test_invalid_yaml_names_the_line(shop_copy):
    shop_copy.replace_text("catalogue.yml", "    price: 459\n", "    price: [459\n")
    message = _error(shop_copy)
    assert str(shop_copy.path("catalogue.yml")) in message
    assert "line" in message and "not valid YAML" in message


@pytest.mark.parametrize("name", ["policy.yml", "catalogue.yml", "replies.yml"])
def test_a_missing_file_is_named(shop_copy, name):
    shop_copy.path(name).unlink()
    message = _error(shop_copy)
    assert str(shop_copy.path(name)) in message and "not found" in message


def test_an_empty_file_is_an_error(shop_copy):
    shop_copy.path("catalogue.yml").write_text("# nothing yet\n", encoding="utf-8")
    assert "empty" in _error(shop_copy)


def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(ShopDataError, match="not found"):
        load_shop(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "change, field, problem",
    [
        (lambda d: d["shipping_time"].pop("today"), "shipping_time.today", "missing"),
        (lambda d: d["shipping_time"].update(tody="亲"), "shipping_time.tody", "unknown reply key"),
        (lambda d: d.update(shiping_fee={}), "shiping_fee", "unknown topic"),
        (
            lambda d: d["shipping_fee"].update(general="亲，满{threshhold}元包邮"),
            "shipping_fee.general",
            "{threshhold}",
        ),
        (lambda d: d["courier"].update(overview="亲，默认发{default"), "courier.overview", "braces"),
        (lambda d: d["invoice"].update(overview="一\n二\n三\n四\n五"), "invoice.overview", "5 lines"),
        (lambda d: d["bargain"].update(hold=20), "bargain.hold", "str type expected"),
    ],
)
def test_broken_replies_are_refused(shop_copy, change, field, problem):
    shop_copy.edit_yaml("replies.yml", change)
    message = _error(shop_copy)
    assert any(
        field in line and problem in line and "replies.yml" in line for line in message.splitlines()
    ), message

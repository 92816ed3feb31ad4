"""Finding and normalising entity mentions in buyer messages: table-driven over written forms."""

import pytest

from bot.text import Gazetteer, extract_entities, load_lexicons
from bot.text.body import unitless_weight_kg
from bot.text.mentions import Mention, resolve_overlaps


@pytest.fixture(scope="module")
def gazetteer():
    products = [
        ("jk-down-01", ["女款连帽白鸭绒羽绒服", "羽绒服", "白色羽绒服"]),
        ("tee-01", ["纯棉T恤", "T恤"]),
        ("jn-denim-01", ["高腰直筒牛仔裤", "牛仔裤"]),
    ]
    return Gazetteer.build(load_lexicons(), products, ["米白色", "雾霾蓝", "燕麦色", "浅蓝条纹"])


def found(text, gazetteer, entity=None):
    """(entity, text, value) of each mention, optionally only one entity."""
    return [m.as_tuple() for m in extract_entities(text, gazetteer) if entity in (None, m.entity)]


HEIGHTS = [
    ("165", []),  # a bare number with nothing about fit is not a height
    ("我165穿什么码", [("height", "165", 165)]),
    ("165cm", [("height", "165cm", 165)]),
    ("165CM", [("height", "165CM", 165)]),
    ("165 cm", [("height", "165 cm", 165)]),
    ("165厘米", [("height", "165厘米", 165)]),
    ("一百六十五公分", [("height", "一百六十五公分", 165)]),
    ("1米65", [("height", "1米65", 165)]),
    ("1米7", [("height", "1米7", 170)]),
    ("1米05", [("height", "1米05", 105)]),
    ("1.65米", [("height", "1.65米", 165)]),
    ("1.65m", [("height", "1.65m", 165)]),
    ("1.7M", [("height", "1.7M", 170)]),
    ("一米六五", [("height", "一米六五", 165)]),
    ("一米六", [("height", "一米六", 160)]),
    ("一米八二", [("height", "一米八二", 182)]),
    ("一米五八", [("height", "一米五八", 158)]),
    ("1米六五", [("height", "1米六五", 165)]),
    ("身高160", [("height", "160", 160)]),
    ("身高：160", [("height", "160", 160)]),
    ("身高是172cm", [("height", "172cm", 172)]),
    ("身高1.65", [("height", "1.65", 165)]),
    ("身高一六五", [("height", "一六五", 165)]),
    ("身高一百六", [("height", "一百六", 160)]),
    ("身高一米八二", [("height", "一米八二", 182)]),
    ("孩子身高130选哪个尺码", [("height", "130", 130)]),
    ("身高16", [("height", "16", 16)]),  # implausible, but cued: extracted raw, judged by sizing
    ("我高170", [("height", "170", 170)]),
    ("小孩5岁 110高 穿多大", [("height", "110", 110)]),
    ("裤长我穿会不会拖地 160的个子", [("attribute", "裤长", "measurements"), ("height", "160", 160)]),
    ("１６５ｃｍ", [("height", "１６５ｃｍ", 165)]),
    ("170穿均码会不会短", [("height", "170", 170), ("size", "均码", "均码")]),
    # not heights
    ("16号发货", []),
    ("16号能发货吗 我165穿什么码", [("height", "165", 165)]),
    # garment measures: the measure is an attribute asked about, the number not a height
    ("腰围72cm", [("attribute", "腰围", "measurements")]),
    ("衣长65cm", [("attribute", "衣长", "measurements")]),
    ("衣长：105cm", [("attribute", "衣长", "measurements")]),
    ("袖长58厘米", [("attribute", "袖长", "measurements")]),
    ("脚长24.5厘米穿多大的鞋", []),
    ("7cm高跟鞋", []),
    ("165元", [("amount", "165元", 165.0)]),
    ("165块穿着值吗", [("amount", "165块", 165.0)]),
    ("买了180件", []),
    ("手机13812345678", []),
    ("618会更便宜吗", []),
    ("高腰的吗 165", []),
]


@pytest.mark.parametrize("text, expected", HEIGHTS)
def test_heights(text, expected, gazetteer):
    assert found(text, gazetteer) == expected


WEIGHTS = [
    ("50kg", [("weight", "50kg", 50.0)]),
    ("50KG", [("weight", "50KG", 50.0)]),
    ("50 kg", [("weight", "50 kg", 50.0)]),
    ("50公斤", [("weight", "50公斤", 50.0)]),
    ("62.5千克", [("weight", "62.5千克", 62.5)]),
    ("100斤", [("weight", "100斤", 50.0)]),
    ("一百斤", [("weight", "一百斤", 50.0)]),
    ("一百二十斤", [("weight", "一百二十斤", 60.0)]),
    ("一百二斤", [("weight", "一百二斤", 60.0)]),
    ("九十八斤", [("weight", "九十八斤", 49.0)]),
    ("两百斤", [("weight", "两百斤", 100.0)]),
    ("七十公斤", [("weight", "七十公斤", 70.0)]),
    ("100多斤", [("weight", "100多斤", 50.0)]),
    ("一百多斤", [("weight", "一百多斤", 50.0)]),
    ("110-120斤", [("weight", "110-120斤", 57.5)]),
    ("体重110", [("weight", "110", 55.0)]),  # unit-less, >= 80: 斤
    ("体重50", [("weight", "50", 50.0)]),  # unit-less, < 80: kg
    ("体重：96", [("weight", "96", 48.0)]),
    ("体重一百一", [("weight", "一百一", 55.0)]),
    ("体重110斤", [("weight", "110斤", 55.0)]),
    ("体重62公斤", [("weight", "62公斤", 62.0)]),
    ("宝宝25斤 选哪个码", [("weight", "25斤", 12.5)]),
    ("产后130斤穿什么码好", [("weight", "130斤", 65.0)]),
    # not weights
    ("要5斤装的", []),
    ("100元", [("amount", "100元", 100.0)]),
    ("斤斤计较", []),
]


@pytest.mark.parametrize("text, expected", WEIGHTS)
def test_weights(text, expected, gazetteer):
    assert found(text, gazetteer) == expected


BODY = [
    ("我155会不会太长", [("height", "155", 155)]),  # whether it is long enough is about fit
    ("我165 100斤穿什么码", [("height", "165", 165), ("weight", "100斤", 50.0)]),
    ("165 50kg", [("height", "165", 165), ("weight", "50kg", 50.0)]),
    ("165cm 50kg", [("height", "165cm", 165), ("weight", "50kg", 50.0)]),
    ("165cm50kg", [("height", "165cm", 165), ("weight", "50kg", 50.0)]),
    ("一米六五 一百斤", [("height", "一米六五", 165), ("weight", "一百斤", 50.0)]),
    ("一米六五一百斤", [("height", "一米六五", 165), ("weight", "一百斤", 50.0)]),
    ("一米六一百斤", [("height", "一米六", 160), ("weight", "一百斤", 50.0)]),
    ("身高170体重130斤", [("height", "170", 170), ("weight", "130斤", 65.0)]),
    ("身高160体重110", [("height", "160", 160), ("weight", "110", 55.0)]),
    ("身高175 体重140", [("height", "175", 175), ("weight", "140", 70.0)]),
    ("体重一百二 身高一六五", [("weight", "一百二", 60.0), ("height", "一六五", 165)]),
    ("172 65公斤", [("height", "172", 172), ("weight", "65公斤", 65.0)]),
    ("155 45", [("height", "155", 155), ("weight", "45", 45.0)]),  # kg: BMI 18.7 beats 9.4
    ("160 105斤", [("height", "160", 160), ("weight", "105斤", 52.5)]),
    ("1米68 120斤", [("height", "1米68", 168), ("weight", "120斤", 60.0)]),
    ("一米七 一百三", [("height", "一米七", 170), ("weight", "一百三", 65.0)]),  # 斤 by BMI
    ("163/52kg", [("height", "163", 163), ("weight", "52kg", 52.0)]),
    ("165/100穿什么码", [("height", "165", 165), ("weight", "100", 50.0)]),
    ("180 160斤的男生要几个x", [("height", "180", 180), ("weight", "160斤", 80.0)]),
    ("我170 160斤", [("height", "170", 170), ("weight", "160斤", 80.0)]),
    ("180 80", [("height", "180", 180), ("weight", "80", 80.0)]),  # kg by BMI (24.7 vs 12.3)
    ("一米五八 九十斤", [("height", "一米五八", 158), ("weight", "九十斤", 45.0)]),
    ("孩子120cm 22公斤", [("height", "120cm", 120), ("weight", "22公斤", 22.0)]),
    ("我身高160 体重110斤", [("height", "160", 160), ("weight", "110斤", 55.0)]),
    ("给我爸买 175 150斤 拿什么码", [("height", "175", 175), ("weight", "150斤", 75.0)]),
    ("163 110斤m码会不会小", [("height", "163", 163), ("weight", "110斤", 55.0), ("size", "m码", "M")]),
    ("身高160m码合适吗", [("height", "160", 160), ("size", "m码", "M")]),
    ("腰围72 臀围94", [("attribute", "腰围", "measurements"), ("attribute", "臀围", "measurements")]),
    ("胸围88 腰围70", [("attribute", "胸围", "measurements"), ("attribute", "腰围", "measurements")]),
]


@pytest.mark.parametrize("text, expected", BODY)
def test_height_and_weight_together(text, expected, gazetteer):
    assert found(text, gazetteer) == expected


@pytest.mark.parametrize(
    "value, height, kg",
    [
        (110, None, 55.0),
        (80, None, 40.0),
        (79, None, 79.0),
        (50, None, 50.0),
        (100, 165, 50.0),
        (70, 170, 70.0),
    ],
)
def test_unitless_weight_rule(value, height, kg):
    assert unitless_weight_kg(value, height) == kg


SIZES = [
    ("S", "S"),
    ("m", "M"),
    ("L码", "L"),
    ("l码呢", "L"),
    ("xl", "XL"),
    ("XL", "XL"),
    ("xl码", "XL"),
    ("XL号", "XL"),
    ("xxl", "2XL"),
    ("XXL", "2XL"),
    ("2xl", "2XL"),
    ("2XL", "2XL"),
    ("2 xl", "2XL"),
    ("xxxl", "3XL"),
    ("3XL", "3XL"),
    ("4xl", "4XL"),
    ("有4xl吗", "4XL"),
    ("XS", "XS"),
    ("xxs", "XXS"),
    ("m码", "M"),
    ("s码", "S"),
    ("M码", "M"),
    ("ＸＬ码", "XL"),
    ("均码", "均码"),
    ("通码", "均码"),
    ("F码", "均码"),
    ("free size", "均码"),
    ("加大码", "XL"),
    ("加大号", "XL"),
    ("加加大码", "2XL"),
    ("中码", "M"),
    ("小号", "S"),
    ("大号", "L"),
    ("160/84A", "160/84A"),
    ("170/92a", "170/92A"),
    ("165/88A的", "165/88A"),
    ("170/92码", "170/92"),
    ("27码", "27"),
    ("28码", "28"),
    ("38码", "38"),
    ("44码", "44"),
    ("110码", "110"),
    ("鞋码39", "39"),
    ("平时37码", "37"),
    ("裤子29腰", "29"),
    ("平时穿m", "M"),
    ("平时穿L码", "L"),
    ("帮我改成L码", "L"),
]


@pytest.mark.parametrize("text, size", SIZES)
def test_sizes(text, size, gazetteer):
    assert [value for entity, _, value in found(text, gazetteer) if entity == "size"] == [size]


@pytest.mark.parametrize(
    "text",
    [
        "有大码吗",  # plus-size clothing, not a size
        "有小码吗",
        "加大一码",  # one size up: relative
        "换大一码",
        "28号发货",  # a date
        "腰围2尺2穿什么码",
        "165cm",  # the m of cm
        "1.65m",
        "发EMS",  # the M and S of EMS
        "有没有款式",
        "ok",
        "5ml",
        "128g",
        "165/100",
        "孩子8岁 买多大号",  # 多大号: "which size"
        "1652xl",
    ],
)
def test_not_sizes(text, gazetteer):
    assert found(text, gazetteer, "size") == []


def test_several_sizes(gazetteer):
    assert [v for e, _, v in found("拍的m来的l", gazetteer)] == ["M", "L"]
    assert [v for e, _, v in found("一米六 九十斤穿s还是m", gazetteer) if e == "size"] == ["S", "M"]
    assert [v for e, _, v in found("172 62kg 穿l还是xl 喜欢宽松点", gazetteer) if e == "size"] == ["L", "XL"]


AMOUNTS = [
    ("20元", [("amount", "20元", 20.0)]),
    ("二十块", [("amount", "二十块", 20.0)]),
    ("二十块钱", [("amount", "二十块钱", 20.0)]),
    ("¥99", [("amount", "¥99", 99.0)]),
    ("￥99.9", [("amount", "￥99.9", 99.9)]),
    ("99块钱", [("amount", "99块钱", 99.0)]),
    ("99元包邮吗", [("amount", "99元", 99.0)]),
    ("便宜20", [("amount", "20", 20.0)]),
    ("便宜20吧", [("amount", "20", 20.0)]),
    ("少10块", [("amount", "10块", 10.0)]),
    ("少个20块行吗", [("amount", "20块", 20.0)]),
    ("便宜五块钱吧", [("amount", "五块钱", 5.0)]),
    ("5毛", [("amount", "5毛", 0.5)]),
    ("五毛钱", [("amount", "五毛钱", 0.5)]),
    ("一块五", [("amount", "一块五", 1.5)]),
    ("3块5", [("amount", "3块5", 3.5)]),
    ("两块五毛", [("amount", "两块五毛", 2.5)]),
    ("一块钱", [("amount", "一块钱", 1.0)]),
    ("这件一百二十块", [("amount", "一百二十块", 120.0)]),
    ("100多块", [("amount", "100多块", 100.0)]),
    ("2千块", [("amount", "2千块", 2000.0)]),
    ("满200减20", [("amount", "200", 200.0), ("amount", "20", 20.0)]),
    ("这个满199减20我怎么没享受到", [("amount", "199", 199.0), ("amount", "20", 20.0)]),
    ("今天便宜了50 怎么补", [("amount", "50", 50.0)]),
    ("别家才卖89 你们能便宜吗", [("amount", "89", 89.0)]),
    ("199太贵了 150卖吗", [("amount", "199", 199.0), ("amount", "150", 150.0)]),
    ("100卖不卖", [("amount", "100", 100.0)]),
    ("299包不包邮", [("amount", "299", 299.0)]),
    ("凑个整 给500吧", [("amount", "500", 500.0)]),
    ("便宜二十吧", [("amount", "二十", 20.0)]),
    # not amounts
    ("便宜一点", []),
    ("能便宜点吗", []),
    ("便宜2件", []),
    ("打8折", []),
    ("两件一块发", []),
    ("一块布", []),
    ("买了两件毛衣", [("garment", "毛衣", "上衣")]),
    ("起毛球吗", [("attribute", "起毛球", "pilling")]),
    ("双11有活动吗", []),
    ("买10件什么价", []),
]


@pytest.mark.parametrize("text, expected", AMOUNTS)
def test_amounts(text, expected, gazetteer):
    assert found(text, gazetteer) == expected


ORDER_IDS = [
    ("订单号 3851624790356218473", "3851624790356218473"),
    ("4029183756410382", "4029183756410382"),
    ("订单号是1736284950617283945", "1736284950617283945"),
    ("单号 567382910463728195", "567382910463728195"),
    ("订单1234567890123456催一下", "1234567890123456"),
    ("订单号 1234567890", "1234567890"),  # shorter, but cued
    ("订单编号：0012345678901234", "0012345678901234"),  # leading zeros kept
]


@pytest.mark.parametrize("text, order_id", ORDER_IDS)
def test_order_ids(text, order_id, gazetteer):
    assert found(text, gazetteer, "order_id") == [("order_id", order_id, order_id)]


@pytest.mark.parametrize(
    "text",
    [
        "手机号13812345678",
        "订单号13812345678",  # a phone number even after the cue
        "电话 15900001111",
        "123456789012345",  # 15 digits
        "12345678901234567890",  # 20 digits
        "快递单号 7712345678",  # a tracking number
        "运单号7712345678",
        "订单号123",
    ],
)
def test_not_order_ids(text, gazetteer):
    assert found(text, gazetteer, "order_id") == []


COURIERS = [
    ("能发顺丰吗", "顺丰"),
    ("顺丰快递", "顺丰"),
    ("发SF吗", "顺丰"),
    ("sf", "顺丰"),
    ("中通", "中通"),
    ("发中通还是", "中通"),
    ("圆通速递", "圆通"),
    ("韵达", "韵达"),
    ("申通呢", "申通"),
    ("EMS", "EMS"),
    ("ems", "EMS"),
    ("邮政", "EMS"),
    ("中国邮政", "EMS"),
    ("京东快递", "京东"),
    ("京东物流", "京东"),
    ("京东的呢", "京东"),
    ("极兔", "极兔"),
    ("J&T", "极兔"),
    ("德邦物流", "德邦"),
    ("ＥＭＳ", "EMS"),
]


@pytest.mark.parametrize("text, courier", COURIERS)
def test_couriers(text, courier, gazetteer):
    assert [v for e, _, v in found(text, gazetteer) if e == "courier"] == [courier]


@pytest.mark.parametrize("text", ["items", "SFX", "wems", "顺便问一下", "京东e卡能用吗", "支持京东白条吗"])
def test_not_couriers(text, gazetteer):
    assert found(text, gazetteer, "courier") == []


REGIONS = [
    ("新疆", "新疆"),
    ("新疆包邮吗", "新疆"),
    ("新疆维吾尔自治区", "新疆"),
    ("乌鲁木齐", "新疆"),
    ("寄乌鲁木齐几天", "新疆"),
    ("喀什", "新疆"),
    ("西藏", "西藏"),
    ("拉萨", "西藏"),
    ("内蒙古", "内蒙古"),
    ("内蒙", "内蒙古"),
    ("呼和浩特", "内蒙古"),
    ("北京", "北京"),
    ("北京市朝阳区", "北京"),
    ("上海", "上海"),
    ("广东", "广东"),
    ("广州天河", "广东"),
    ("那发到深圳呢", "广东"),
    ("广西壮族自治区", "广西"),
    ("黑龙江", "黑龙江"),
    ("发到哈尔滨呢", "黑龙江"),
    ("我在成都", "四川"),
    ("收货地在云南昆明", "云南"),
    ("香港", "香港"),
    ("澳门", "澳门"),
    ("台湾", "台湾"),
    ("那青海呢亲", "青海"),
    ("宁夏", "宁夏"),
    ("海南包邮吗", "海南"),
    ("浙江呢", "浙江"),
    ("吉林市", "吉林"),
]


@pytest.mark.parametrize("text, region", REGIONS)
def test_regions(text, region, gazetteer):
    assert [v for e, _, v in found(text, gazetteer) if e == "region"][:1] == [region]


@pytest.mark.parametrize("text", ["现在北京时间几点", "是新疆棉吗", "中山装有吗", "阿里旺旺"])
def test_not_regions(text, gazetteer):
    assert found(text, gazetteer, "region") == []


def test_all_34_provincial_divisions():
    regions = load_lexicons().regions.entries
    assert len(regions) == 34
    for name in [
        "北京",
        "天津",
        "上海",
        "重庆",
        "新疆",
        "西藏",
        "内蒙古",
        "广西",
        "宁夏",
        "香港",
        "澳门",
        "台湾",
    ]:
        assert name in regions


COLORS = [
    ("黑色", "黑色", "黑色"),
    ("要黑色M码", "黑色", "黑色"),
    ("黑的还有吗", "黑", "黑色"),
    ("就要白的", "白", "白色"),
    ("白色的l码", "白色", "白色"),
    ("要藏青色", "藏青色", "藏青"),
    ("藏蓝", "藏蓝", "藏青"),
    ("藏青", "藏青", "藏青"),
    ("灰色吧", "灰色", "灰色"),
    ("卡其色那个", "卡其色", "卡其"),
    ("米白", "米白", "米白"),
    ("米白色", "米白色", "米白"),
    ("红色xl 两件", "红色", "红色"),
    ("那件灰色的呢", "灰色", "灰色"),
    ("黑M", "黑", "黑色"),
    ("白 XL", "白", "白色"),
    ("要黑", "黑", "黑色"),
    ("换成白。", "白", "白色"),
    ("雾霾蓝", "雾霾蓝", "雾霾蓝"),
    ("燕麦色", "燕麦色", "燕麦"),
    ("燕麦的", "燕麦", "燕麦"),
    ("粉红色", "粉红色", "粉色"),
]


@pytest.mark.parametrize("text, raw, color", COLORS)
def test_colors(text, raw, color, gazetteer):
    assert found(text, gazetteer, "color") == [("color", raw, color)]


def test_colors_one_of_each(gazetteer):
    assert found("要两件 一黑一白", gazetteer) == [("color", "黑", "黑色"), ("color", "白", "白色")]


@pytest.mark.parametrize(
    "text", ["明白的", "明白了", "白天能送吗", "有红包吗", "网红的款", "黑五有活动吗", "白条能用吗", "蓝牙"]
)
def test_not_colors(text, gazetteer):
    assert found(text, gazetteer, "color") == []


PRODUCTS = [
    ("羽绒服还有吗", ("product", "羽绒服", "jk-down-01")),
    ("女款连帽白鸭绒羽绒服", ("product", "女款连帽白鸭绒羽绒服", "jk-down-01")),
    ("白色羽绒服", ("product", "白色羽绒服", "jk-down-01")),  # the alias beats the colour inside it
    ("我的t恤起球了", ("product", "t恤", "tee-01")),
    ("牛仔裤偏大吗", ("product", "牛仔裤", "jn-denim-01")),
]


@pytest.mark.parametrize("text, mention", PRODUCTS)
def test_products(text, mention, gazetteer):
    assert found(text, gazetteer, "product") == [mention]


def test_offsets_point_into_the_original_text(gazetteer):
    text = "亲，我１６５ｃｍ　一百斤，要ＸＬ码的黑色羽绒服，发顺丰到乌鲁木齐，便宜20元吧"
    mentions = extract_entities(text, gazetteer)
    assert [m.as_tuple() for m in mentions] == [
        ("height", "１６５ｃｍ", 165),
        ("weight", "一百斤", 50.0),
        ("size", "ＸＬ码", "XL"),
        ("color", "黑色", "黑色"),
        ("product", "羽绒服", "jk-down-01"),
        ("courier", "顺丰", "顺丰"),
        ("region", "乌鲁木齐", "新疆"),
        ("amount", "20元", 20.0),
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


def test_entities_filter(gazetteer):
    mentions = extract_entities("我165 100斤要黑色XL", gazetteer, entities={"size", "color"})
    assert [m.entity for m in mentions] == ["color", "size"]


def test_without_a_gazetteer_only_patterns():
    assert [m.entity for m in extract_entities("发顺丰 XL 165cm")] == ["size", "height"]


def test_empty_text(gazetteer):
    assert extract_entities("", gazetteer) == []


def test_resolve_overlaps_prefers_longest_then_priority_then_leftmost():
    a = Mention(0, 3, "height", "abc", 1, priority=4)
    b = Mention(0, 7, "size", "abcdefg", "x", priority=0)
    c = Mention(5, 8, "amount", "fgh", 1.0, priority=0)
    d = Mention(8, 10, "color", "ij", "c", priority=3)
    e = Mention(8, 10, "region", "ij", "r", priority=1)
    assert resolve_overlaps([a, b, c, d, e]) == [b, e]

"""Garment words, fit preferences and product attributes (data/lexicon): what counts and what does not."""

import pytest

from bot.text import Gazetteer, extract_entities, load_lexicons
from bot.text.short_terms import find_short_terms

WORD_ENTITIES = ("garment", "fit", "attribute")


@pytest.fixture(scope="module")
def gazetteer():
    products = [
        ("jn-denim-01", ["女款高腰直筒牛仔裤", "牛仔裤", "直筒裤"]),
        ("sk-pleat-01", ["女款高腰百褶半身裙", "百褶裙", "半身裙"]),
        ("so-cotton-01", ["男女款精梳棉中筒袜五双装", "袜子", "棉袜"]),
        ("pt-chino-01", ["男款修身弹力休闲裤", "休闲裤", "弹力裤"]),
        ("tee-01", ["纯棉T恤", "T恤"]),
    ]
    return Gazetteer.build(load_lexicons(), products, [])


def words(text, gazetteer):
    """(entity, text, value) of the garment, fit, attribute and product mentions."""
    wanted = (*WORD_ENTITIES, "product")
    return [m.as_tuple() for m in extract_entities(text, gazetteer) if m.entity in wanted]


def test_canonical_values_are_the_contract():
    lexicons = load_lexicons()
    assert list(lexicons.garments.entries) == ["上衣", "外套", "裤子", "裙子", "袜子"]
    assert set(lexicons.fits.entries) == {"loose", "fitted"}
    assert set(lexicons.attributes.entries) == {
        "fabric", "pilling", "fading", "shrinking", "thickness", "see_through",
        "stretch", "warmth", "care", "genuine", "measurements", "workmanship",
    }  # fmt: skip


GARMENTS = [
    ("那裤子呢", [("garment", "裤子", "裤子")]),
    ("裤裤有黑色吗", [("garment", "裤裤", "裤子")]),
    ("长裤有吗", [("garment", "长裤", "裤子")]),
    ("这条裤有弹力吗", [("garment", "裤", "裤子"), ("attribute", "有弹力", "stretch")]),
    ("要裙还是裤", [("garment", "裙", "裙子"), ("garment", "裤", "裤子")]),
    ("那件外套呢", [("garment", "外套", "外套")]),
    ("外衣能机洗吗", [("garment", "外衣", "外套"), ("attribute", "机洗", "care")]),
    ("裙子有内衬吗", [("garment", "裙子", "裙子")]),
    ("上衣穿M", [("garment", "上衣", "上衣")]),
    ("买两双袜", [("garment", "袜", "袜子")]),
    # a product name or alias wins over the garment word it holds or is
    ("牛仔裤有几个颜色", [("product", "牛仔裤", "jn-denim-01")]),
    ("半身裙会透吗", [("product", "半身裙", "sk-pleat-01"), ("attribute", "透", "see_through")]),
    ("袜子几双一包", [("product", "袜子", "so-cotton-01")]),
    ("直筒裤呢", [("product", "直筒裤", "jn-denim-01")]),
    # parts of a garment, underwear, and a lone 裤 or 裙 inside other words
    ("裤腰太大了", []),
    ("裤脚能改短吗", []),
    ("内裤能退吗", []),
    ("裙摆大不大", []),
    ("衣服什么时候到", []),
    ("裤型好看", []),
]


@pytest.mark.parametrize("text, expected", GARMENTS)
def test_garments(text, expected, gazetteer):
    assert words(text, gazetteer) == expected


FITS = [
    ("喜欢宽松点的", [("fit", "喜欢宽松", "loose")]),
    ("宽松一点", [("fit", "宽松一点", "loose")]),
    ("宽松的", [("fit", "宽松", "loose")]),  # the span leaves 的 out, as colours do
    ("想穿oversize的", [("fit", "oversize", "loose")]),
    ("OVERSIZED", [("fit", "OVERSIZED", "loose")]),
    ("松一点好", [("fit", "松一点", "loose")]),
    ("拍大一点穿", [("fit", "大一点穿", "loose")]),
    ("不喜欢紧身的", [("fit", "不喜欢紧身", "loose")]),
    ("合身一点", [("fit", "合身一点", "fitted")]),
    ("要修身的", [("fit", "修身", "fitted")]),
    ("想要显瘦", [("fit", "显瘦", "fitted")]),
    ("紧身款", [("fit", "紧身", "fitted")]),
    ("不要太宽松", [("fit", "不要太宽松", "fitted")]),
    ("172 62kg 喜欢宽松", [("fit", "喜欢宽松", "loose")]),
    # sizing questions and complaints are not preferences
    ("偏大吗", []),
    ("是不是偏小", []),
    ("要不要大一码", []),
    ("拍小一码吗", []),
    ("穿着不合身想换", []),
    ("M码合身吗", []),
    ("合不合身", []),
    ("太紧了", []),
    ("贴身衣物能退吗", []),
    ("放松一点", []),
    ("男款修身弹力休闲裤有现货吗", [("product", "男款修身弹力休闲裤", "pt-chino-01")]),  # the full name wins
]


@pytest.mark.parametrize("text, expected", FITS)
def test_fits(text, expected, gazetteer):
    assert words(text, gazetteer) == expected


ATTRIBUTES = [
    ("什么面料", "fabric"),
    ("材质是啥", "fabric"),
    ("成分是什么", "fabric"),
    ("用的什么料子", "fabric"),
    ("含棉量多少", "fabric"),
    ("纯棉的吗", "fabric"),
    ("是真丝的吗", "fabric"),
    ("会起球吗", "pilling"),
    ("起毛球吗", "pilling"),
    ("会不会有球球", "pilling"),
    ("会掉色吗", "fading"),
    ("洗了褪色吗", "fading"),
    ("会不会串色", "fading"),
    ("缩水吗", "shrinking"),
    ("缩不缩", "shrinking"),
    ("洗了会缩吗", "shrinking"),
    ("厚不厚", "thickness"),
    ("厚吗", "thickness"),
    ("太薄了", "thickness"),
    ("有点厚", "thickness"),
    ("厚度怎么样", "thickness"),
    ("有薄款吗", "thickness"),
    ("透不透", "see_through"),
    ("白色会透吗", "see_through"),
    ("很透", "see_through"),
    ("透光吗", "see_through"),
    ("弯腰会走光吗", "see_through"),
    ("有弹力吗", "stretch"),
    ("弹性好吗", "stretch"),
    ("保暖吗", "warmth"),
    ("暖和吗", "warmth"),
    ("冬天穿冷不冷", "warmth"),
    ("够暖吗", "warmth"),
    ("抗风吗", "warmth"),
    ("怎么洗", "care"),
    ("能机洗吗", "care"),
    ("要干洗吗", "care"),
    ("需要熨吗", "care"),
    ("是正品吗", "genuine"),
    ("不会是假货吧", "genuine"),
    ("专柜有卖吗", "genuine"),
    ("是原单吗", "genuine"),
    ("尺寸多少", "measurements"),
    ("衣长多少", "measurements"),
    ("腰围多大", "measurements"),
    ("肩宽是多少", "measurements"),
    ("做工怎么样", "workmanship"),
    ("有线头吗", "workmanship"),
    ("质量怎么样", "workmanship"),
    ("质量好吗", "workmanship"),
]


@pytest.mark.parametrize("text, attribute", ATTRIBUTES)
def test_attributes(text, attribute, gazetteer):
    assert [value for entity, _, value in words(text, gazetteer) if entity == "attribute"] == [attribute]


@pytest.mark.parametrize(
    "text",
    [
        "薄利多销",
        "透气吗",  # breathability
        "很透气",
        "透明的袋子",
        "多长时间能到",  # a delivery question
        "质量问题退货运费谁出",
        "颜色正不正",  # true to colour
        "放假的时候发货吗",
        "感谢厚爱",
        "能缩短发货时间吗",
        "有暖气吗",
        "洗衣机漏水",
        "透露一下",
        "厚",  # one character without context
    ],
)
def test_not_attributes(text, gazetteer):
    assert [m for m in extract_entities(text, gazetteer) if m.entity == "attribute"] == []


def test_short_terms_need_context():
    short = {"attribute": {"厚": "thickness", "透": "see_through"}, "garment": {"裤": "裤子"}}
    found = lambda text: [(m.start, m.text, m.value) for m in find_short_terms(text, short)]  # noqa: E731
    assert found("厚") == []
    assert found("厚吗") == [(0, "厚", "thickness")]
    assert found("有点透") == [(2, "透", "see_through")]
    assert found("透过") == []
    assert found("一条裤") == [(2, "裤", "裤子")]
    assert found("裤长") == []
    assert found("裤, 还有") == [(0, "裤", "裤子")]
    assert find_short_terms("厚吗", {"color": {"厚": "x"}}) == []  # only garment and attribute


def test_several_words_in_one_message(gazetteer):
    text = "这条裤子宽松吗 会不会起球 165 100斤穿什么码"
    assert [(m.entity, m.value) for m in extract_entities(text, gazetteer)] == [
        ("garment", "裤子"),
        ("fit", "loose"),
        ("attribute", "pilling"),
        ("height", 165),
        ("weight", 50.0),
    ]

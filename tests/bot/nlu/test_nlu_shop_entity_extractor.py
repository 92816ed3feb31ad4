"""ShopEntityExtractor: train on a small catalogue, persist, load, process Rasa messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.shop_entity_extractor import PATTERNS_FILE, ShopEntityExtractor
from bot.text import Gazetteer, extract_entities, load_lexicons
from bot.text.lexicon import DEFAULT_LEXICON_DIR
from tests.bot.nlu.conftest import CATALOGUE

RESOURCE = Resource("shop_entity_extractor")


def config(catalogue_path, lexicon_dir, **extra):
    return {
        **ShopEntityExtractor.get_default_config(),
        "catalogue_path": str(catalogue_path),
        "lexicon_dir": str(lexicon_dir),
        **extra,
    }


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A loaded extractor, trained on the fixture catalogue (as `rasa train` then `rasa run` would)."""
    directory = tmp_path_factory.mktemp("extractor")
    catalogue_path = directory / "catalogue.yml"
    catalogue_path.write_text(yaml.safe_dump(CATALOGUE, allow_unicode=True), encoding="utf-8")
    storage = LocalModelStorage(directory)
    context = ExecutionContext(GraphSchema({}), model_id="test-model", node_name="test_node")
    cfg = config(catalogue_path, DEFAULT_LEXICON_DIR)
    component = ShopEntityExtractor.create(cfg, storage, RESOURCE, context)
    component.train(TrainingData([Message(data={"text": "你好", "intent": "greet"})]))
    return ShopEntityExtractor.load(cfg, storage, RESOURCE, context)


def entities_of(component, text):
    message = Message(data={"text": text})
    component.process([message])
    return message.get("entities")


def test_rasa_entity_format(trained):
    assert entities_of(trained, "能发顺丰吗") == [
        {
            "entity": "courier",
            "start": 2,
            "end": 4,
            "value": "顺丰",
            "extractor": "ShopEntityExtractor",
            "confidence_entity": 1.0,
        }
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我165 100斤穿什么码", [("height", 165), ("weight", 50.0)]),
        ("1米7", [("height", 170)]),
        ("一米八二", [("height", 182)]),
        ("xl码", [("size", "XL")]),
        ("xxl", [("size", "2XL")]),
        ("160/84A", [("size", "160/84A")]),
        ("16号发货", []),
        ("便宜20元吧", [("amount", 20.0)]),
        ("订单号 3851624790356218473", [("order_id", "3851624790356218473")]),
        ("手机13812345678", []),
        ("寄乌鲁木齐几天", [("region", "新疆")]),
        ("新疆维吾尔自治区包邮吗", [("region", "新疆")]),
        ("深圳", [("region", "广东")]),
        ("发EMS还是邮政", [("courier", "EMS"), ("courier", "EMS")]),
        ("京东物流", [("courier", "京东")]),
        ("要藏蓝色", [("color", "藏青")]),
        ("白的还有吗", [("color", "白色")]),
        ("黑M", [("color", "黑色"), ("size", "M")]),
        ("明白的", []),
        ("燕麦色的T恤", [("color", "燕麦"), ("product", "tee-01")]),
        ("雾霾蓝羽绒服有L吗", [("color", "雾霾蓝"), ("product", "jk-down-01"), ("size", "L")]),
        ("白色羽绒服", [("product", "jk-down-01")]),  # the alias wins over the colour in it
        ("ＸＬ码的ｔ恤", [("size", "XL"), ("product", "tee-01")]),  # full-width, any case
        ("items", []),
        ("那裤子呢", [("garment", "裤子")]),
        ("这条裤会透吗", [("garment", "裤子"), ("attribute", "see_through")]),
        ("很透气", []),
        ("喜欢宽松点", [("fit", "loose")]),
        ("M码合身吗", [("size", "M")]),
        ("羽绒服保暖吗 会不会钻绒", [("product", "jk-down-01"), ("attribute", "warmth")]),
        ("T恤缩水吗", [("product", "tee-01"), ("attribute", "shrinking")]),
    ],
)
def test_entities(trained, text, expected):
    assert [(e["entity"], e["value"]) for e in entities_of(trained, text)] == expected


def test_offsets_index_the_original_text(trained):
    text = "亲 我１６５ｃｍ 一百斤 要ＸＬ的黑色羽绒服 发顺丰到喀什"
    entities = entities_of(trained, text)
    assert [text[e["start"] : e["end"]] for e in entities] == [
        "１６５ｃｍ",
        "一百斤",
        "ＸＬ",
        "黑色",
        "羽绒服",
        "顺丰",
        "喀什",
    ]


def test_same_results_as_the_pure_python_path(trained):
    """The spaCy pipeline and bot.text.extract_entities settle every message the same way."""
    products = [(p["id"], [p["name"], *p["aliases"]]) for p in CATALOGUE["products"]]
    colors = [c for p in CATALOGUE["products"] for c in p["colors"]]
    gazetteer = Gazetteer.build(load_lexicons(), products, colors)
    messages = [
        "我165 100斤穿什么码 要米白色的羽绒服",
        "发到乌鲁木齐用EMS还是顺丰，运费20块吗",
        "订单号 4029183756410382 改成黑色XL",
        "一米六 九十斤 穿s还是m 要两件 一黑一白",
        "明白的 白天能送到深圳吗",
        "身高175 体重140 T恤拿什么码",
        "这条裤子宽松吗 太薄了 会不会透 洗了缩不缩",
        "短袖是纯棉的吗 不要太宽松 165 100斤",
        "裙还是裤 那件外套厚吗 不透气",
    ]
    for text in messages:
        spacy_path = [(e["start"], e["end"], e["entity"], e["value"]) for e in entities_of(trained, text)]
        pure = [(m.start, m.end, m.entity, m.value) for m in extract_entities(text, gazetteer)]
        assert spacy_path == pure, text


def test_other_extractors_entities_are_kept(trained):
    theirs = {"entity": "size", "start": 0, "end": 1, "value": "M", "extractor": "DIETClassifier"}
    message = Message(data={"text": "M码 能发顺丰吗", "entities": [theirs]})
    trained.process([message])
    entities = message.get("entities")
    assert entities[0] == theirs
    assert [(e["entity"], e["extractor"]) for e in entities[1:]] == [
        ("size", "ShopEntityExtractor"),
        ("courier", "ShopEntityExtractor"),
    ]


def test_messages_without_text_are_skipped(trained):
    message = Message(data={"intent": "greet"})
    trained.process([message])
    assert message.get("entities") is None


def test_entities_config_limits_what_is_extracted(
    model_storage, execution_context, catalogue_path, lexicon_dir
):
    cfg = config(catalogue_path, lexicon_dir, entities=["size", "region"])
    component = ShopEntityExtractor.create(cfg, model_storage, RESOURCE, execution_context)
    component.train(TrainingData())
    assert [e["entity"] for e in entities_of(component, "寄深圳 发顺丰 XL 165cm")] == ["region", "size"]


def test_unknown_entities_in_config_are_an_error(
    model_storage, execution_context, catalogue_path, lexicon_dir
):
    cfg = config(catalogue_path, lexicon_dir, entities=["heigth"])
    with pytest.raises(InvalidConfigException, match="heigth"):
        ShopEntityExtractor.create(cfg, model_storage, RESOURCE, execution_context)


def test_the_model_is_self_contained(model_storage, execution_context, catalogue_path, lexicon_dir, tmp_path):
    """After training, the catalogue and lexicons are no longer needed: patterns are in the model."""
    lexicons = tmp_path / "lexicon"
    shutil.copytree(lexicon_dir, lexicons)
    cfg = config(catalogue_path, lexicons)
    ShopEntityExtractor.create(cfg, model_storage, RESOURCE, execution_context).train(TrainingData())
    catalogue_path.unlink()
    shutil.rmtree(lexicons)

    loaded = ShopEntityExtractor.load(cfg, model_storage, RESOURCE, execution_context)
    assert [(e["entity"], e["value"]) for e in entities_of(loaded, "T恤 发顺丰")] == [
        ("product", "tee-01"),
        ("courier", "顺丰"),
    ]
    with model_storage.read_from(RESOURCE) as directory:
        patterns = json.loads((directory / PATTERNS_FILE).read_text(encoding="utf-8"))
    assert {"label": "product", "pattern": "T恤", "id": "tee-01"} in patterns["ruler_patterns"]
    assert patterns["hues"]["黑"] == "黑色"
    assert patterns["short_terms"]["attribute"]["透"] == "see_through"
    assert patterns["short_terms"]["garment"]["裤"] == "裤子"


def test_a_model_persisted_without_short_terms_still_loads(
    model_storage, execution_context, catalogue_path, lexicon_dir
):
    """Models trained before garment and attribute words had no "short_terms"; they load as before."""
    cfg = config(catalogue_path, lexicon_dir)
    ShopEntityExtractor.create(cfg, model_storage, RESOURCE, execution_context).train(TrainingData())
    with model_storage.write_to(RESOURCE) as directory:
        patterns = json.loads((directory / PATTERNS_FILE).read_text(encoding="utf-8"))
        del patterns["short_terms"]
        (directory / PATTERNS_FILE).write_text(json.dumps(patterns, ensure_ascii=False), encoding="utf-8")
    loaded = ShopEntityExtractor.load(cfg, model_storage, RESOURCE, execution_context)
    assert [(e["entity"], e["value"]) for e in entities_of(loaded, "会透吗 发顺丰")] == [("courier", "顺丰")]


def test_missing_catalogue_still_trains_without_products(
    model_storage, execution_context, lexicon_dir, tmp_path
):
    cfg = config(tmp_path / "no-such-catalogue.yml", lexicon_dir)
    component = ShopEntityExtractor.create(cfg, model_storage, RESOURCE, execution_context)
    with pytest.warns(UserWarning, match="catalogue"):
        component.train(TrainingData())
    assert [e["entity"] for e in entities_of(component, "T恤 发顺丰")] == ["courier"]


def test_untrained_component_leaves_messages_alone(
    model_storage, execution_context, catalogue_path, lexicon_dir
):
    cfg = config(catalogue_path, lexicon_dir)
    with pytest.warns(UserWarning):
        loaded = ShopEntityExtractor.load(cfg, model_storage, Resource("never_trained"), execution_context)
    message = Message(data={"text": "发顺丰"})
    with pytest.warns(UserWarning, match="not been trained"):
        loaded.process([message])
    assert message.get("entities") is None


def test_fingerprint_changes_with_the_catalogue_and_lexicons(catalogue_path, lexicon_dir, tmp_path):
    lexicons = tmp_path / "lexicon"
    shutil.copytree(lexicon_dir, lexicons)
    cfg = config(catalogue_path, lexicons)
    first = ShopEntityExtractor.fingerprint_addon(cfg)
    assert ShopEntityExtractor.fingerprint_addon(cfg) == first

    data = yaml.safe_load(catalogue_path.read_text(encoding="utf-8"))
    data["products"][0]["aliases"].append("面包服")
    catalogue_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = ShopEntityExtractor.fingerprint_addon(cfg)
    assert second != first

    couriers = lexicons / "couriers.yml"
    couriers.write_text(couriers.read_text(encoding="utf-8") + "  跨越: [跨越速运]\n", encoding="utf-8")
    assert ShopEntityExtractor.fingerprint_addon(cfg) != second


def test_trains_on_the_repository_catalogue(model_storage, execution_context):
    """The real data/shop/catalogue.yml and data/lexicon load (defaults resolved from the project root)."""
    root = Path(__file__).resolve().parents[3]
    cfg = config(root / "data" / "shop" / "catalogue.yml", root / "data" / "lexicon")
    component = ShopEntityExtractor.create(cfg, model_storage, RESOURCE, execution_context)
    component.train(TrainingData())
    assert [e["entity"] for e in entities_of(component, "羽绒服能发顺丰到新疆吗")] == [
        "product",
        "courier",
        "region",
    ]

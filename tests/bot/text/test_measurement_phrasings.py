"""Heights, weights and sizes as buyers write them (measurement_phrasings.yml), through both paths.

The same set runs through ``bot.text.extract_entities`` and through the trained spaCy component
(``ShopEntityExtractor``, built the way Rasa trains and loads it). Per path, the share of messages
whose height, weight and size values are exactly the expected ones is written to
results/entities/measurements.json and printed at the end of the run (see conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Dict, List

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.shop_entity_extractor import ShopEntityExtractor
from bot.text import Gazetteer, extract_entities, load_lexicons
from bot.text.lexicon import DEFAULT_LEXICON_DIR
from tests.bot.nlu.conftest import CATALOGUE
from tests.bot.text.conftest import MEASUREMENTS_REPORT as REPORT
from tests.bot.text.conftest import MEASURED_ENTITIES as ENTITIES
from tests.bot.text.conftest import ROOT, format_table

PHRASINGS = Path(__file__).with_name("measurement_phrasings.yml")
#: Whole-message accuracy, known misses counted as misses, below which the set fails.
FLOOR = 0.98
MIN_ITEMS = 120

Extract = Callable[[str], Dict[str, list]]


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def load_phrasings() -> List[dict]:
    """The items of measurement_phrasings.yml, with each expectation as a list of values."""
    items = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))["phrasings"]
    return [
        {
            "text": item["text"],
            "expected": {
                "height": [int(v) for v in _as_list(item["height"])],
                "weight": [float(v) for v in _as_list(item["weight"])],
                "size": [str(v) for v in _as_list(item["size"])],
            },
            "known_miss": item.get("known_miss"),
        }
        for item in items
    ]


PHRASING_ITEMS = load_phrasings()


def test_the_set_is_well_formed():
    raw = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))["phrasings"]
    assert len(raw) >= MIN_ITEMS
    texts = [item["text"] for item in raw]
    assert len(texts) == len(set(texts)), "a message is listed twice"
    for item in raw:
        # every entity is stated, none or a value: an omitted key would silently mean "none"
        assert set(item) - {"known_miss"} == {"text", *ENTITIES}, item
        assert all(isinstance(h, int) for h in _as_list(item["height"])), item
        assert all(isinstance(w, float) for w in _as_list(item["weight"])), item
    negatives = [item for item in raw if all(item[e] is None for e in ENTITIES)]
    assert len(negatives) >= 25, "keep plenty of messages that must give nothing"
    assert sum(1 for item in raw if item.get("known_miss")) <= 5, "known misses are for a few hard cases"


def _values(pairs) -> Dict[str, list]:
    found: Dict[str, list] = {entity: [] for entity in ENTITIES}
    for entity, value in pairs:
        if entity in found:
            found[entity].append(value)
    return found


@pytest.fixture(scope="module")
def pure_path() -> Extract:
    products = [(p["id"], [p["name"], *p["aliases"]]) for p in CATALOGUE["products"]]
    colors = [c for p in CATALOGUE["products"] for c in p["colors"]]
    gazetteer = Gazetteer.build(load_lexicons(), products, colors)
    return lambda text: _values((m.entity, m.value) for m in extract_entities(text, gazetteer))


@pytest.fixture(scope="module")
def spacy_path(tmp_path_factory) -> Extract:
    """The component trained on the fixture catalogue, persisted and loaded (as `rasa train`, `rasa run`)."""
    directory = tmp_path_factory.mktemp("phrasings")
    catalogue_path = directory / "catalogue.yml"
    catalogue_path.write_text(yaml.safe_dump(CATALOGUE, allow_unicode=True), encoding="utf-8")
    storage = LocalModelStorage(directory)
    context = ExecutionContext(GraphSchema({}), model_id="phrasings", node_name="shop_entity_extractor")
    resource = Resource("shop_entity_extractor")
    config = {
        **ShopEntityExtractor.get_default_config(),
        "catalogue_path": str(catalogue_path),
        "lexicon_dir": str(DEFAULT_LEXICON_DIR),
    }
    ShopEntityExtractor.create(config, storage, resource, context).train(TrainingData())
    component = ShopEntityExtractor.load(config, storage, resource, context)

    def extract(text: str) -> Dict[str, list]:
        message = Message(data={"text": text})
        component.process([message])
        return _values((e["entity"], e["value"]) for e in message.get("entities") or [])

    return extract


def evaluate(extract: Extract) -> dict:
    """Per-entity and whole-message exact-match counts of one path, with every miss."""
    correct = {name: 0 for name in (*ENTITIES, "message")}
    misses, known, fixed_known = [], [], []
    for item in PHRASING_ITEMS:
        got = extract(item["text"])
        right = {entity: got[entity] == item["expected"][entity] for entity in ENTITIES}
        for entity, ok in right.items():
            correct[entity] += ok
        correct["message"] += all(right.values())
        if not all(right.values()):
            miss = {"text": item["text"], "expected": item["expected"], "got": got}
            if item["known_miss"]:
                known.append({**miss, "reason": item["known_miss"]})
            else:
                misses.append(miss)
        elif item["known_miss"]:
            fixed_known.append(item["text"])
    total = len(PHRASING_ITEMS)
    return {
        "accuracy": {
            name: {"correct": count, "total": total, "percent": round(100 * count / total, 1)}
            for name, count in correct.items()
        },
        "misses": misses,
        "known_misses": known,
        "known_misses_now_passing": fixed_known,
    }


@pytest.fixture(scope="module")
def report(pure_path, spacy_path) -> dict:
    result = {
        "set": str(PHRASINGS.relative_to(ROOT)),
        "messages": len(PHRASING_ITEMS),
        "paths": {"python": evaluate(pure_path), "spacy": evaluate(spacy_path)},
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print("\n".join(format_table(result)))
    return result


@pytest.mark.parametrize("path", ["python", "spacy"])
def test_every_phrasing_is_read_right(report, path):
    misses = report["paths"][path]["misses"]
    assert not misses, f"{len(misses)} misses (see {REPORT}):\n" + "\n".join(
        f"  {m['text']}: expected {m['expected']}, got {m['got']}" for m in misses
    )


@pytest.mark.parametrize("path", ["python", "spacy"])
def test_overall_accuracy_floor(report, path):
    assert report["paths"][path]["accuracy"]["message"]["percent"] >= 100 * FLOOR


@pytest.mark.parametrize("path", ["python", "spacy"])
def test_known_misses_are_still_misses(report, path):
    """A known miss that now passes should lose its mark, so the set keeps asserting it."""
    assert report["paths"][path]["known_misses_now_passing"] == []


def test_both_paths_read_every_message_alike(pure_path, spacy_path):
    for item in PHRASING_ITEMS:
        assert pure_path(item["text"]) == spacy_path(item["text"]), item["text"]

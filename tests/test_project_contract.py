"""The project keeps its contracts: the canonical intents, a rule per intent, actions that exist,
and no business data that Rasa would mistake for training data."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.base import ShopAction

ROOT = Path(__file__).resolve().parents[1]
INTENTS_MD = ROOT.parent / "shared" / "intents.md"
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def canonical(section: str) -> list[str]:
    """Names in the first column of a table under '## <section>' of intents.md."""
    text = INTENTS_MD.read_text(encoding="utf-8").split(f"## {section}")[1].split("\n## ")[0]
    names = [m.group(1) for m in re.finditer(r"^\| ([a-z_]+) \|", text, re.MULTILINE)]
    return [name for name in names if name not in ("intent", "entity")]  # the header row


@pytest.mark.skipif(not INTENTS_MD.exists(), reason=f"{INTENTS_MD} is not beside this checkout")
def test_every_canonical_intent_and_entity_is_in_the_domain():
    intents, entities = canonical("Intents"), canonical("Entities")
    assert len(intents) == 27 and len(entities) == 9
    assert set(intents) <= set(DOMAIN["intents"])
    assert set(entities) <= set(DOMAIN["entities"])


def rules() -> list[dict]:
    found = []
    for path in sorted((ROOT / "data" / "stories").glob("*.yml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", [])
    return found


def test_every_intent_has_a_rule_and_every_rule_action_is_in_the_domain():
    ruled = {step["intent"] for rule in rules() for step in rule["steps"] if "intent" in step}
    assert set(DOMAIN["intents"]) <= ruled
    used = {step["action"] for rule in rules() for step in rule["steps"] if "action" in step}
    assert used <= set(DOMAIN["actions"]) | set(DOMAIN.get("forms", {})) | {"action_deactivate_loop"}


def test_every_domain_action_is_implemented_once():
    import importlib
    import pkgutil

    import actions

    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")

    def concrete(cls):
        for sub in cls.__subclasses__():
            yield from concrete(sub)
            if not getattr(sub, "__abstractmethods__", None):
                yield sub

    from rasa_sdk.forms import FormValidationAction

    validators = [cls for cls in FormValidationAction.__subclasses__() if cls.__module__.startswith("actions.")]
    names = [cls().name() for cls in [*concrete(ShopAction), *validators]]
    assert sorted(names) == sorted(set(names))
    assert set(names) == set(DOMAIN["actions"])


RASA_TRAINING_KEYS = re.compile(r"^\s*(nlu|responses|stories|rules):", re.MULTILINE)


@pytest.mark.parametrize("folder", ["data/shop", "data/lexicon"])
def test_business_data_has_no_key_rasa_would_load_as_training_data(folder):
    for path in (ROOT / folder).glob("*.yml"):
        assert not RASA_TRAINING_KEYS.search(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("module, out", [("bot.nlu.jieba_dictionary", "data/jieba/shop_dict.txt"),
                                         ("bot.nlu.lookup_tables", "data/nlu/lookups.yml")])
def test_generated_training_files_are_up_to_date(module, out):
    import importlib

    assert importlib.import_module(module).main(["--check", "--out", str(ROOT / out)]) == 0, (
        f"{out} is out of date: run `make data`"
    )

"""apply_labels on a copy of the project's data: right block, comments kept, no duplicates, no leaks."""
from __future__ import annotations

import difflib
import shutil
import types
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.trainer import apply
from bot.trainer.apply import apply_labels
from bot.trainer.nlu_files import normalise, read_examples

ROOT = Path(__file__).resolve().parents[3]

# Invented messages (not from any log), checked below to be in neither the training data nor the test set.
NEW_FEE = "寄到我老家新疆要不要多付邮费呀"
NEW_SIZE = "我肩膀比较宽平时穿的L这件拿哪个码"
NEW_GIFT = "可以帮忙包成礼物送人吗"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    shutil.copy(ROOT / "config.yml", tmp_path / "config.yml")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "tests" / "nlu").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "nlu" / "test_nlu.yml", tmp_path / "tests" / "nlu" / "test_nlu.yml")
    return tmp_path


def row(text: str, label: str, id: str = "r1") -> dict:
    return {"id": id, "text": text, "predicted": "nlu_fallback", "confidence": "0.2", "alt1": "", "alt2": "",
            "alt3": "", "reasons": "low_confidence", "label": label, "note": ""}


def examples_of(path: Path, intent: str) -> list[str]:
    return [text for text, name in read_examples(path) if name == intent]


def all_training(project: Path) -> list[tuple[str, str]]:
    return [pair for path in sorted((project / "data" / "nlu").glob("*.yml")) for pair in read_examples(path)]


def added_lines(before: str, after: str) -> list[str]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "a line of the original was changed or lost"
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_invented_messages_are_new(project):
    known = {normalise(t) for t, _ in all_training(project) + read_examples(project / "tests/nlu/test_nlu.yml")}
    assert not {normalise(NEW_FEE), normalise(NEW_SIZE), normalise(NEW_GIFT)} & known


def test_appends_under_the_intents_block_and_keeps_everything_else(project):
    shipping, product = project / "data/nlu/shipping.yml", project / "data/nlu/product.yml"
    before_shipping, before_product = shipping.read_text(encoding="utf-8"), product.read_text(encoding="utf-8")

    report = apply_labels([row(NEW_FEE, "ask_shipping_fee"), row(NEW_SIZE, "ask_size", "r2")], project,
                          validate=False)

    assert report.written == {"data/nlu/shipping.yml": [NEW_FEE], "data/nlu/product.yml": [NEW_SIZE]}
    after_shipping = shipping.read_text(encoding="utf-8")
    assert added_lines(before_shipping, after_shipping) == [f"    - {NEW_FEE}"]
    assert added_lines(before_product, product.read_text(encoding="utf-8")) == [f"    - {NEW_SIZE}"]
    assert examples_of(shipping, "ask_shipping_fee")[-1] == NEW_FEE
    assert NEW_FEE not in examples_of(shipping, "ask_courier")
    # The new line closes its block: right after the block's last example, before the blank line.
    lines = after_shipping.splitlines()
    at = lines.index(f"    - {NEW_FEE}")
    assert lines[at + 1] == "" and lines[at + 2] == "- intent: ask_courier"
    assert [line for line in after_shipping.splitlines() if line.startswith("#")] == \
        [line for line in before_shipping.splitlines() if line.startswith("#")]
    assert report.validation_returncode is None and report.model_usable


def test_objects_as_rows(project):
    @dataclass
    class Row:
        id: str
        text: str
        label: str

    report = apply_labels([Row("x", f"  {NEW_FEE}\n", "ask_shipping_fee")], project, validate=False)
    assert report.written_count == 1
    assert NEW_FEE in examples_of(project / "data/nlu/shipping.yml", "ask_shipping_fee")


def test_duplicates_are_not_written_again(project):
    existing = examples_of(project / "data/nlu/product.yml", "ask_size")[0]
    before = (project / "data/nlu/product.yml").read_text(encoding="utf-8")
    report = apply_labels(
        [row(existing, "ask_size", "a"), row(f" {existing}！", "ask_size", "b"),
         row(NEW_SIZE, "ask_size", "c"), row(NEW_SIZE + "?", "ask_size", "d")],
        project, validate=False,
    )
    assert [d.id for d in report.duplicates] == ["a", "b", "d"]
    assert report.written == {"data/nlu/product.yml": [NEW_SIZE]}
    assert added_lines(before, (project / "data/nlu/product.yml").read_text(encoding="utf-8")) == [f"    - {NEW_SIZE}"]


def test_unknown_labels_are_refused_and_nothing_is_written(project):
    before = {p: p.read_text(encoding="utf-8") for p in (project / "data").rglob("*.yml")}
    report = apply_labels([row(NEW_GIFT, "ask_gift_wrap")], project, validate=False)
    assert report.written_count == 0
    assert report.refused[0].label == "ask_gift_wrap" and "--create-intent" in report.refused[0].reason
    assert {p: p.read_text(encoding="utf-8") for p in (project / "data").rglob("*.yml")} == before


def test_test_set_and_heldout_sentences_are_never_written(project):
    test_sentence, test_intent = read_examples(project / "tests/nlu/test_nlu.yml")[0]
    heldout = project / "var/trainer/heldout.yml"
    heldout.parent.mkdir(parents=True)
    heldout.write_text(f'version: "3.1"\nnlu:\n- intent: ask_size\n  examples: |\n    - {NEW_SIZE}\n',
                       encoding="utf-8")
    report = apply_labels([row(test_sentence, test_intent, "t"), row(test_sentence + "。", test_intent, "u"),
                           row(NEW_SIZE, "ask_size", "h")], project, validate=False)
    assert report.written_count == 0
    assert [r.id for r in report.refused] == ["t", "u", "h"]
    assert all("leak" in r.reason for r in report.refused)
    trained = {normalise(t) for t, _ in all_training(project)}
    assert normalise(test_sentence) not in trained and normalise(NEW_SIZE) not in trained


def test_conflicting_labels_are_warnings_not_written(project):
    existing = examples_of(project / "data/nlu/product.yml", "ask_size")[0]
    report = apply_labels(
        [row(existing, "ask_product", "a"), row(NEW_FEE, "ask_shipping_fee", "b"), row(NEW_FEE, "ask_courier", "c")],
        project, validate=False,
    )
    assert report.written_count == 0
    assert {w.id for w in report.warnings} == {"a", "b", "c"}
    assert "already in training as ask_size" in next(w.reason for w in report.warnings if w.id == "a")
    texts = {}
    for text, intent in all_training(project):
        assert texts.setdefault(text, intent) == intent, f"{text} has two intents"


def test_reviewer_decisions_and_unlabelled_rows_are_counted_not_written(project):
    report = apply_labels([row(NEW_FEE, "skip"), row(NEW_SIZE, "not_a_question"), row(NEW_GIFT, "")],
                          project, validate=False)
    assert (report.skipped_by_reviewer, report.unlabelled, report.written_count) == (2, 1, 0)


def test_entity_annotation_syntax_is_refused(project):
    report = apply_labels([row("[黑色](color)的有吗", "ask_stock")], project, validate=False)
    assert report.written_count == 0 and "annotation" in report.refused[0].reason


def test_creates_an_intent_when_asked_with_a_todo_rule(project):
    domain_before = (project / "domain.yml").read_text(encoding="utf-8")
    report = apply_labels([row(NEW_GIFT, "ask_gift_wrap"), row("能给我包个礼盒吗 送女朋友", "ask_gift_wrap", "r2")],
                          project, create_intents=["ask_gift_wrap", "ask_unused"], validate=False)

    assert report.created_intents == ["ask_gift_wrap"]
    assert report.written == {"data/nlu/trainer_new_intents.yml": [NEW_GIFT, "能给我包个礼盒吗 送女朋友"]}
    domain_after = (project / "domain.yml").read_text(encoding="utf-8")
    assert len(added_lines(domain_before, domain_after)) == 1  # comments and layout of domain.yml kept
    domain = yaml.safe_load(domain_after)
    assert domain["intents"][-1] == "ask_gift_wrap" and domain["version"] == "3.1"
    nlu = project / "data/nlu/trainer_new_intents.yml"
    assert nlu.read_text(encoding="utf-8").startswith('version: "3.1"')
    assert examples_of(nlu, "ask_gift_wrap") == [NEW_GIFT, "能给我包个礼盒吗 送女朋友"]
    rules_text = (project / "data/stories/trainer_new_intents.yml").read_text(encoding="utf-8")
    assert "TODO(trainer)" in rules_text
    rules = yaml.safe_load(rules_text)["rules"]
    assert rules == [{"rule": rules[0]["rule"],
                      "steps": [{"intent": "ask_gift_wrap"}, {"action": "action_clarify"}]}]
    assert "action_clarify" in domain["actions"]
    assert report.todo and not report.model_usable
    assert "DO NOT USE" in report.summary()
    assert any(w.label == "ask_unused" for w in report.warnings)
    assert "ask_unused" not in domain["intents"]

    # A second round adds to the created block instead of creating it again.
    again = apply_labels([row("礼品包装要加钱吗", "ask_gift_wrap")], project, validate=False)
    assert again.created_intents == [] and again.written == {"data/nlu/trainer_new_intents.yml": ["礼品包装要加钱吗"]}
    assert len(examples_of(nlu, "ask_gift_wrap")) == 3
    assert yaml.safe_load((project / "domain.yml").read_text(encoding="utf-8"))["intents"].count("ask_gift_wrap") == 1


def test_bad_new_intent_names_are_rejected(project):
    with pytest.raises(ValueError):
        apply_labels([], project, create_intents=["Ask Gift"])


def test_dry_run_writes_nothing(project):
    before = {p: p.read_text(encoding="utf-8") for p in project.rglob("*.yml")}
    report = apply_labels([row(NEW_FEE, "ask_shipping_fee"), row(NEW_GIFT, "ask_gift_wrap", "r2")], project,
                          create_intents=["ask_gift_wrap"], dry_run=True)
    assert report.written_count == 2 and report.dry_run and report.validation_returncode is None
    assert {p: p.read_text(encoding="utf-8") for p in project.rglob("*.yml")} == before


def test_validation_runs_rasa_data_validate(project, monkeypatch):
    calls = []

    def fake_run(command, **kwargs):
        calls.append((command, kwargs["cwd"]))
        return types.SimpleNamespace(returncode=1, stdout="", stderr="UserWarning: something")

    monkeypatch.setattr(apply.subprocess, "run", fake_run)
    report = apply_labels([row(NEW_FEE, "ask_shipping_fee")], project)
    (command, cwd), = calls
    assert command[1:3] == ["data", "validate"] and "--fail-on-warnings" in command and cwd == project
    assert report.validation_passed is False and not report.model_usable
    assert "FAILED" in report.summary()


def test_cli_flow_holds_out_a_part_and_applies_the_rest(project, monkeypatch, capsys):
    rows = [row(f"{NEW_SIZE}{n}号", "ask_size", f"s{n}") for n in range(10)]
    monkeypatch.setattr(apply, "read_review", lambda path: rows)
    args = Namespace(review=Path("var/trainer/review.csv"), create_intent=[], dry_run=False,
                     heldout=Path("var/trainer/heldout.yml"), heldout_fraction=0.3, seed=1, no_validate=True)
    assert apply.run(args, project) == 0
    heldout = read_examples(project / "var/trainer/heldout.yml")
    assert len(heldout) == 3 and {intent for _, intent in heldout} == {"ask_size"}
    trained = {normalise(t) for t, _ in all_training(project)}
    assert len([r for r in rows if normalise(r["text"]) in trained]) == 7
    assert not {normalise(t) for t, _ in heldout} & trained
    assert "kept 3 labelled messages" in capsys.readouterr().out

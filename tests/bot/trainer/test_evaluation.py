"""Evaluation metrics and report files from fake parsers (no model is trained or loaded)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.trainer.evaluation import Prediction, compare, evaluate, score, to_prediction, write_report
from bot.trainer.mining import IntentScore, Parse
from bot.trainer.nlu_files import read_examples, split_heldout, write_heldout


class FakeParser:
    """Answers from a table (nlu_fallback when unknown); records the texts it was asked about."""

    def __init__(self, answers: dict[str, str], confidence: float = 0.9) -> None:
        self.answers, self.confidence, self.calls = answers, confidence, []

    def parse_batch(self, texts):
        self.calls += list(texts)
        return [Parse([IntentScore(self.answers[t], self.confidence)]) if t in self.answers
                else Parse([IntentScore("greet", 0.2)], fallback=True) for t in texts]

    def parse(self, text: str) -> Prediction:
        return to_prediction(self.parse_batch([text])[0])


GOLD = [("你好", "greet"), ("包邮吗", "ask_shipping_fee"), ("发什么快递", "ask_courier"), ("拜拜", "goodbye")]
BEFORE = {"你好": "greet", "包邮吗": "ask_courier", "发什么快递": "ask_courier", "拜拜": "thank"}
AFTER = {"你好": "greet", "包邮吗": "ask_shipping_fee", "发什么快递": "ask_shipping_fee", "拜拜": "goodbye"}


def test_score_accuracy_and_macro_f1():
    gold = ["a", "a", "b", "b"]
    predicted = [Prediction(i, 0.9, i) for i in ("a", "b", "b", "nlu_fallback")]
    scores = score(gold, predicted)
    assert scores.accuracy == pytest.approx(0.5)
    # a: P=1 R=.5 F1=2/3; b: P=.5 R=.5 F1=.5; the fallback is not a gold label so not averaged.
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0.5) / 2)
    assert scores.top_intent_accuracy == pytest.approx(0.5)


def test_fallback_parse_answers_nlu_fallback_with_its_best_guess():
    assert to_prediction(Parse([IntentScore("ask_size", 0.25)], fallback=True)) == \
        Prediction("nlu_fallback", 0.25, "ask_size")
    assert to_prediction(Parse([])) == Prediction("nlu_fallback", 0.0, "nlu_fallback")


def test_compare_lists_changed_predictions_with_their_effect():
    before = [FakeParser(BEFORE).parse(t) for t, _ in GOLD]
    after = [FakeParser(AFTER).parse(t) for t, _ in GOLD]
    result = compare("set", GOLD, before, after)
    assert result.before.accuracy == pytest.approx(0.5) and result.after.accuracy == pytest.approx(0.75)
    effects = {c["text"]: c["effect"] for c in result.changed}
    assert effects == {"包邮吗": "fixed", "发什么快递": "broken", "拜拜": "fixed"}
    assert "你好" not in effects
    rows = {r["intent"]: r for r in result.per_intent}
    assert set(rows) == {"greet", "ask_shipping_fee", "ask_courier", "goodbye"}
    assert rows["ask_courier"]["f1_before"] == pytest.approx(2 / 3, abs=1e-3) and rows["ask_courier"]["f1_after"] == 0
    assert rows["goodbye"]["support"] == 1


def test_evaluate_parses_each_text_once_per_model(tmp_path):
    yml = tmp_path / "heldout.yml"
    yml.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n    - 在吗\n',
                   encoding="utf-8")
    before, after = FakeParser(BEFORE), FakeParser(AFTER)
    report = evaluate(before, after, {"nlu_test_set": GOLD, "heldout_logs": yml, "empty": []})
    assert [s.name for s in report.sets] == ["nlu_test_set", "heldout_logs"]
    assert sorted(before.calls) == sorted({t for t, _ in GOLD} | {"在吗"}) == sorted(after.calls)
    heldout = report.sets[1]
    assert heldout.examples == 2 and heldout.after.accuracy == pytest.approx(0.5)
    assert "nlu_test_set (4 messages): accuracy 0.500 -> 0.750" in report.headline()


def test_report_files_are_written_self_contained_and_escaped(tmp_path):
    evil = "<script>alert('x')</script>有货吗"
    gold = GOLD + [(evil, "ask_stock")]
    report = evaluate(FakeParser(BEFORE), FakeParser({**AFTER, evil: "ask_stock"}), {"logs": gold})
    files = write_report(report, tmp_path / "report")

    png = files["confusion_logs"].read_bytes()
    assert png.startswith(b"\x89PNG")
    summary = json.loads(files["json"].read_text(encoding="utf-8"))
    assert summary["sets"][0]["after"]["accuracy"] == pytest.approx(0.8)
    assert any(c["text"] == evil for c in summary["sets"][0]["changed"])
    page = files["html"].read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page  # no CDN, nothing fetched
    assert "data:image/png;base64," in page


def rows(*pairs):
    return [{"id": str(i), "text": t, "label": l} for i, (t, l) in enumerate(pairs)]


def test_split_heldout_is_stratified_reproducible_and_keeps_a_text_on_one_side():
    labelled = rows(*[(f"问题{n}", "ask_size") for n in range(10)], *[(f"快递{n}", "ask_courier") for n in range(3)],
                    ("问题0！", "ask_size"), ("跳过", "skip"), ("没标", ""))
    train, held = split_heldout(labelled, fraction=0.3, seed=7)
    assert len(train) + len(held) == len(labelled)
    assert sorted(r["label"] for r in held) in (["ask_size"] * 3, ["ask_size"] * 4)  # 3 texts, 问题0 may be twice
    assert split_heldout(labelled, fraction=0.3, seed=7) == (train, held)
    held_texts = {r["text"].rstrip("！") for r in held}
    assert not held_texts & {r["text"].rstrip("！") for r in train if r["label"] == "ask_size"}
    assert {"跳过", "没标"} <= {r["text"] for r in train}
    assert split_heldout(labelled, fraction=0)[1] == []


def test_split_heldout_leaves_excluded_and_conflicting_texts_to_apply():
    from bot.trainer.nlu_files import normalise

    labelled = rows(*[(f"问题{n}", "ask_size") for n in range(4)], ("冲突", "ask_size"), ("冲突", "ask_stock"))
    train, held = split_heldout(labelled, fraction=1.0, exclude={normalise("问题0")})
    assert {r["text"] for r in held} == {"问题1", "问题2", "问题3"}
    assert {r["text"] for r in train} == {"问题0", "冲突"}


def test_write_heldout_merges_and_is_rasa_nlu_format(tmp_path):
    path = tmp_path / "var" / "heldout.yml"
    assert write_heldout(rows(("有L码吗", "ask_stock"), ("包邮吗", "ask_shipping_fee")), path) == 2
    assert write_heldout(rows(("有L码吗？", "ask_stock"), ("有黑色吗", "ask_stock"), ("算了", "skip")), path) == 1
    text = path.read_text(encoding="utf-8")
    assert text.startswith('version: "3.1"')
    assert sorted(read_examples(path)) == sorted(
        [("有L码吗", "ask_stock"), ("有黑色吗", "ask_stock"), ("包邮吗", "ask_shipping_fee")])


def test_rasa_parser_is_only_imported_lazily():
    # Importing the module must not import rasa (tests and the apply flow stay fast).
    import subprocess
    import sys

    code = "import sys, bot.trainer.evaluation, bot.trainer.apply; print('rasa' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[3], check=True)
    assert out.stdout.strip() == "False"

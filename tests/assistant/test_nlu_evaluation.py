"""Intent accuracy and macro-F1 of the trained model on our own NLU test set, with a floor."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from sklearn.metrics import accuracy_score, classification_report, f1_score

ROOT = Path(__file__).resolve().parents[2]
TEST_SET = ROOT / "tests" / "nlu" / "test_nlu.yml"
REPORT_DIR = ROOT / "results" / "nlu"
ACCURACY_FLOOR = 0.85


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file."""
    pairs = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def test_intent_accuracy_is_above_the_floor(assistant):
    examples = load_examples(TEST_SET)
    expected, answered, top_intent, top_confidence, misses = [], [], [], [], []
    for text, intent in examples:
        parsed = assistant.parse(text)
        name = parsed["intent"]["name"]
        # With FallbackClassifier the answered intent may be nlu_fallback; the classifier's own
        # best guess is the first ranked intent that is not the fallback.
        best_ranked = next(r for r in parsed["intent_ranking"] if r["name"] != "nlu_fallback")
        best = best_ranked["name"]
        top_confidence.append(best_ranked["confidence"])
        expected.append(intent)
        answered.append(name)
        top_intent.append(best)
        if name != intent:
            misses.append({"text": text, "expected": intent, "answered": name, "best_guess": best,
                           "confidence": round(parsed["intent"]["confidence"], 3)})
    labels = sorted(set(expected))
    report = {
        "examples": len(examples),
        "accuracy": accuracy_score(expected, answered),
        "macro_f1": f1_score(expected, answered, labels=labels, average="macro", zero_division=0),
        "top_intent_accuracy": accuracy_score(expected, top_intent),
        "per_intent": {
            k: v for k, v in classification_report(
                expected, answered, labels=labels, output_dict=True, zero_division=0
            ).items() if k in labels
        },
        # What other fallback thresholds would give: accuracy (a fallback counts as a miss) and
        # how often the assistant would ask back instead of answering.
        "threshold_sweep": {
            f"{t:.2f}": {
                "accuracy": sum(b == e and c >= t for b, e, c in zip(top_intent, expected, top_confidence)) / len(expected),
                "fallback_rate": sum(c < t for c in top_confidence) / len(expected),
            }
            for t in (0.2, 0.3, 0.4, 0.45, 0.5, 0.6)
        },
        "misses": misses,
    }
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    assert report["accuracy"] >= ACCURACY_FLOOR, (
        f"intent accuracy {report['accuracy']:.3f} is below the floor {ACCURACY_FLOOR}; "
        f"misses in {REPORT_DIR / 'report.json'}"
    )

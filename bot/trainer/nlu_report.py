"""Scores the assistant's intent predictions on a labelled set: accuracy, macro-F1, per intent, confusions, threshold curve.

One report per labelled set (our own tests/nlu/test_nlu.yml, the real buyers' labelled_dev.yml), from
the parse results the running assistant gives, so what is scored is what buyers get. A message the
assistant answered with nlu_fallback counts as a miss (it asked back instead of answering); the
classifier's own best guess under the fallback is scored too, as "top intent".

The threshold curve replays the fallback rule at other confidence thresholds on the same parses
(the ranking under nlu_fallback keeps the classifier's confidences): accuracy counts only messages
answered right, ask-back rate the messages that would be asked back. Messages with nothing to
understand (gibberish, lone punctuation) are asked back at every threshold.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from sklearn.metrics import accuracy_score, classification_report, f1_score

FALLBACK_INTENT = "nlu_fallback"
CURVE_THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(0, 17))  # 0.00 .. 0.80


@dataclass(frozen=True)
class Scored:
    """One message: what it is, what the assistant answered, and the classifier's best guess."""

    text: str
    expected: str
    answered: str  # nlu_fallback when the assistant asked back
    best_guess: str  # the best ranked intent that is not nlu_fallback
    confidence: float  # the best guess's confidence
    runner_up_confidence: float
    nothing_to_understand: bool  # gibberish, lone punctuation...: asked back at any threshold

    @classmethod
    def from_parse(cls, text: str, expected: str, parse: Mapping[str, Any],
                   not_understood_problems: Iterable[str]) -> "Scored":
        """Builds the record from Rasa's parse result (/model/parse or Agent.parse_message)."""
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
        best = ranking[0] if ranking else {"name": FALLBACK_INTENT, "confidence": 0.0}
        runner_up = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        problems = set(parse.get("input_problems") or [])
        return cls(text, expected, (parse.get("intent") or {}).get("name") or FALLBACK_INTENT,
                   best["name"], float(best["confidence"]), float(runner_up),
                   bool(problems & set(not_understood_problems)))

    def answered_at(self, threshold: float, ambiguity: float) -> str:
        """What the assistant would answer with this fallback threshold and ambiguity threshold."""
        if (self.nothing_to_understand or self.confidence < threshold
                or self.confidence - self.runner_up_confidence < ambiguity):
            return FALLBACK_INTENT
        return self.best_guess


def threshold_curve(scored: Sequence[Scored], ambiguity: float,
                    thresholds: Sequence[float] = CURVE_THRESHOLDS) -> List[Dict[str, float]]:
    """Accuracy (asked back = miss) and ask-back rate at each threshold, ambiguity rule kept as configured."""
    curve = []
    for threshold in thresholds:
        answers = [s.answered_at(threshold, ambiguity) for s in scored]
        curve.append({
            "threshold": threshold,
            "accuracy": sum(a == s.expected for a, s in zip(answers, scored)) / len(scored),
            "ask_back_rate": sum(a == FALLBACK_INTENT for a in answers) / len(scored),
        })
    return curve


def score(name: str, scored: Sequence[Scored], threshold: float, ambiguity: float) -> Dict[str, Any]:
    """The report of one labelled set: headline figures, per intent, top confusions, curve, misses."""
    expected = [s.expected for s in scored]
    answered = [s.answered for s in scored]
    labels = sorted(set(expected))
    per_intent = classification_report(expected, answered, labels=labels, output_dict=True, zero_division=0)
    confusions = Counter((s.expected, s.answered) for s in scored if s.answered != s.expected)
    return {
        "set": name,
        "examples": len(scored),
        "accuracy": accuracy_score(expected, answered),
        "macro_f1": f1_score(expected, answered, labels=labels, average="macro", zero_division=0),
        "top_intent_accuracy": accuracy_score(expected, [s.best_guess for s in scored]),
        "ask_back_rate": sum(a == FALLBACK_INTENT for a in answered) / len(scored),
        "threshold": threshold,
        "ambiguity_threshold": ambiguity,
        "per_intent": {label: per_intent[label] for label in labels},
        "top_confusions": [
            {"expected": e, "answered": a, "count": n} for (e, a), n in confusions.most_common(10)
        ],
        "threshold_curve": threshold_curve(scored, ambiguity),
        "misses": [asdict(s) for s in scored if s.answered != s.expected],
    }


def write_report(report: Mapping[str, Any], directory: Path) -> Path:
    """Writes ``<set>.json`` in the directory; its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{report['set']}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def plot_threshold_curves(reports: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Accuracy against ask-back rate over the thresholds, one line per set, the configured one marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for report in reports:
        curve = report["threshold_curve"]
        line, = axis.plot([p["ask_back_rate"] for p in curve], [p["accuracy"] for p in curve],
                          marker="o", markersize=3, label=f"{report['set']} ({report['examples']})")
        for point in curve:
            if point["threshold"] in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
                axis.annotate(f"{point['threshold']:.1f}", (point["ask_back_rate"], point["accuracy"]),
                              textcoords="offset points", xytext=(4, 4), fontsize=7, color=line.get_color())
        axis.scatter([report["ask_back_rate"]], [report["accuracy"]], s=80, facecolors="none",
                     edgecolors=line.get_color(), linewidths=1.5)
    axis.set_xlabel("ask-back rate (share of messages answered with nlu_fallback)")
    axis.set_ylabel("accuracy (asked back = miss)")
    axis.set_title(f"Fallback threshold trade-off (circled: configured {reports[0]['threshold']:.2f})")
    axis.grid(alpha=0.3)
    axis.legend(loc="lower left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def side_by_side(reports: Sequence[Mapping[str, Any]]) -> List[str]:
    """Text lines comparing the sets: headline figures, per-intent F1 and recall, top confusions."""
    names = [r["set"] for r in reports]
    width = max(14, *(len(n) for n in names))
    lines = [f"{'':<22}" + "".join(f"{n:>{width + 2}}" for n in names)]
    for key, label in (("examples", "examples"), ("accuracy", "accuracy"), ("macro_f1", "macro-F1"),
                       ("top_intent_accuracy", "top intent only"), ("ask_back_rate", "ask-back rate")):
        cells = "".join(
            f"{r[key]:>{width + 2}}" if key == "examples" else f"{r[key]:>{width + 2}.3f}" for r in reports
        )
        lines.append(f"{label:<22}{cells}" if len(label) <= 22 else f"{label}\n{'':<22}{cells}")
    intents = sorted({i for r in reports for i in r["per_intent"]},
                     key=lambda i: min(r["per_intent"].get(i, {"f1-score": 1})["f1-score"] for r in reports))
    lines.append("")
    lines.append(f"{'intent':<22}" + "".join(f"{'F1  recall  n':>{width + 2}}" for _ in reports))
    for intent in intents:
        cells = ""
        for r in reports:
            row: Optional[Mapping[str, float]] = r["per_intent"].get(intent)
            cells += (f"{row['f1-score']:.2f}  {row['recall']:.2f}  {int(row['support']):>3}".rjust(width + 2)
                      if row else "-".rjust(width + 2))
        lines.append(f"{intent:<22}{cells}")
    for r in reports:
        lines.append("")
        lines.append(f"top confusions on {r['set']} (expected -> answered: count)")
        lines.extend(f"  {c['expected']} -> {c['answered']}: {c['count']}" for c in r["top_confusions"])
    return lines

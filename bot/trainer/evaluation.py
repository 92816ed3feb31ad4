"""Compares the model before and after a training round on the NLU test set and held-out log messages."""

from __future__ import annotations

import argparse
import base64
import html
import json
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from bot.trainer.nlu_files import (
    HELDOUT,
    TEST_SET,
    rasa_executable,
    read_examples,
)
from bot.trainer.mining import Parse, Parser

FALLBACK_INTENT = "nlu_fallback"
AFTER_MODEL = Path("var/trainer/models/after.tar.gz")
REPORT_DIR = Path("var/trainer/report")


class Prediction(NamedTuple):
    """What a model answered for one message."""

    intent: str  # the answered intent (nlu_fallback when the model was unsure)
    confidence: float
    best_guess: str  # the classifier's best intent that is not nlu_fallback


def to_prediction(parse: Parse) -> Prediction:
    """The trainer's Parse (bot.trainer.mining) as the answered intent, like the assistant answers."""
    best = parse.ranking[0] if parse.ranking else None
    guess = best.name if best else FALLBACK_INTENT
    return Prediction(FALLBACK_INTENT if parse.fallback or best is None else guess,
                      best.confidence if best else 0.0, guess)


# ---------------------------------------------------------------- metrics


@dataclass
class Scores:
    """Headline figures of one model on one test set."""

    accuracy: float
    macro_f1: float
    top_intent_accuracy: float  # counting the best guess under nlu_fallback


@dataclass
class SetResult:
    """Before/after on one test set."""

    name: str
    examples: int
    before: Scores
    after: Scores
    per_intent: list[dict[str, Any]]  # intent, support, f1_before, f1_after
    changed: list[dict[str, Any]]  # text, gold, before, after, effect (fixed | broken | still wrong)
    gold: list[str] = field(default_factory=list, repr=False)
    after_predicted: list[str] = field(default_factory=list, repr=False)


@dataclass
class EvaluationReport:
    """The comparison of two models on every test set."""

    before_model: str
    after_model: str
    sets: list[SetResult]

    def to_json(self) -> dict[str, Any]:
        """The summary written to summary.json (no per-message predictions beyond the changed ones)."""
        return {
            "before_model": self.before_model,
            "after_model": self.after_model,
            "sets": [{k: v for k, v in asdict(s).items() if k not in ("gold", "after_predicted")}
                     for s in self.sets],
        }

    def headline(self) -> str:
        """One line per test set for the terminal."""
        lines = []
        for s in self.sets:
            fixed = sum(c["effect"] == "fixed" for c in s.changed)
            broken = sum(c["effect"] == "broken" for c in s.changed)
            lines.append(
                f"{s.name} ({s.examples} messages): accuracy {s.before.accuracy:.3f} -> {s.after.accuracy:.3f}, "
                f"macro-F1 {s.before.macro_f1:.3f} -> {s.after.macro_f1:.3f}; "
                f"{fixed} fixed, {broken} broken, {len(s.changed) - fixed - broken} changed but still wrong"
            )
        return "\n".join(lines)


def score(gold: Sequence[str], predicted: Sequence[Prediction]) -> Scores:
    """Accuracy and macro-F1 (over the gold intents) of the answered intents, like the project's NLU test."""
    from sklearn.metrics import accuracy_score, f1_score

    answered = [p.intent for p in predicted]
    labels = sorted(set(gold))
    return Scores(
        accuracy=float(accuracy_score(gold, answered)),
        macro_f1=float(f1_score(gold, answered, labels=labels, average="macro", zero_division=0)),
        top_intent_accuracy=float(accuracy_score(gold, [p.best_guess for p in predicted])),
    )


def compare(name: str, examples: Sequence[tuple[str, str]],
            before: Sequence[Prediction], after: Sequence[Prediction]) -> SetResult:
    """The before/after result on one test set from both models' predictions."""
    from sklearn.metrics import f1_score

    texts = [text for text, _ in examples]
    gold = [intent for _, intent in examples]
    labels = sorted(set(gold))
    f1_before = f1_score(gold, [p.intent for p in before], labels=labels, average=None, zero_division=0)
    f1_after = f1_score(gold, [p.intent for p in after], labels=labels, average=None, zero_division=0)
    support = defaultdict(int)
    for intent in gold:
        support[intent] += 1
    per_intent = [
        {"intent": label, "support": support[label], "f1_before": round(float(b), 4),
         "f1_after": round(float(a), 4)}
        for label, b, a in zip(labels, f1_before, f1_after)
    ]
    changed = []
    for text, g, b, a in zip(texts, gold, before, after):
        if b.intent != a.intent:
            effect = "fixed" if a.intent == g else "broken" if b.intent == g else "still wrong"
            changed.append({"text": text, "gold": g, "before": b.intent, "after": a.intent,
                            "after_confidence": round(a.confidence, 3), "effect": effect})
    return SetResult(name, len(examples), score(gold, before), score(gold, after), per_intent, changed,
                     gold=gold, after_predicted=[p.intent for p in after])


def _predict_all(model: Parser | Path | str, texts: Sequence[str], label: str,
                 batch: int = 32) -> dict[str, Prediction]:
    from tqdm import tqdm

    if isinstance(model, (str, Path)):
        from bot.trainer.model import RasaParser  # the one module that imports rasa

        parser = RasaParser(Path(model))
    else:
        parser = model
    predictions: dict[str, Prediction] = {}
    try:
        with tqdm(total=len(texts), desc=f"parsing with the {label} model", unit="msg") as progress:
            for start in range(0, len(texts), batch):
                chunk = texts[start:start + batch]
                predictions.update(zip(chunk, map(to_prediction, parser.parse_batch(chunk))))
                progress.update(len(chunk))
    finally:
        if parser is not model:
            parser.close()
    return predictions


def evaluate(
    before_model: Parser | Path | str,
    after_model: Parser | Path | str,
    test_sets: Mapping[str, Path | Sequence[tuple[str, str]]],
) -> EvaluationReport:
    """Parses every test set with both models (each model loaded once) and compares them.

    Args:
        before_model: the model in use (a .tar.gz path, or any bot.trainer.mining.Parser).
        after_model: the model trained on the new data (a .tar.gz path, or any Parser).
        test_sets: name -> a Rasa NLU YAML file or (text, intent) pairs, e.g.
            {"nlu_test_set": tests/nlu/test_nlu.yml, "heldout_logs": var/trainer/heldout.yml}.

    Returns:
        An EvaluationReport with one SetResult per non-empty test set.
    """
    loaded = {name: read_examples(Path(source)) if isinstance(source, (str, Path)) else list(source)
              for name, source in test_sets.items()}
    loaded = {name: examples for name, examples in loaded.items() if examples}
    texts = sorted({text for examples in loaded.values() for text, _ in examples})
    before = _predict_all(before_model, texts, "before")
    after = _predict_all(after_model, texts, "after")
    sets = [compare(name, examples, [before[t] for t, _ in examples], [after[t] for t, _ in examples])
            for name, examples in loaded.items()]
    return EvaluationReport(_model_name(before_model), _model_name(after_model), sets)


def _model_name(model: Any) -> str:
    return str(model) if isinstance(model, (str, Path)) else type(model).__name__


# ---------------------------------------------------------------- report files


def confusion_png(gold: Sequence[str], predicted: Sequence[str], path: Path, title: str) -> Path:
    """Draws the confusion matrix (rows gold, columns predicted) to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(gold) | set(predicted))
    matrix = confusion_matrix(gold, predicted, labels=labels)
    size = max(5.0, 0.38 * len(labels) + 2.5)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    high = matrix.max() if matrix.size else 0
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if matrix[i, j] > high / 2 else "black")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


_STYLE = """body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f3f3f3}
tr.worse td{background:#fde8e8}img{max-width:100%}"""


def render_html(report: EvaluationReport, images: Mapping[str, Path]) -> str:
    """A self-contained page (inline CSS, PNGs as data URIs, no scripts); every text is escaped."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Xiaodian NLU: before and after</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>NLU before and after this training round</h1>",
        f"<p>before: <code>{html.escape(report.before_model)}</code><br>"
        f"after: <code>{html.escape(report.after_model)}</code></p>",
        _table(["test set", "messages", "accuracy before", "accuracy after", "macro-F1 before", "macro-F1 after"],
               [(s.name, s.examples, s.before.accuracy, s.after.accuracy, s.before.macro_f1, s.after.macro_f1)
                for s in report.sets]),
    ]
    for s in report.sets:
        parts.append(f"<h2>{html.escape(s.name)}</h2>")
        parts.append(f"<p>Best guess under nlu_fallback counted as answered: "
                     f"{s.before.top_intent_accuracy:.3f} &rarr; {s.after.top_intent_accuracy:.3f}</p>")
        parts.append("<h3>F1 per intent</h3>")
        rows = "".join(
            f"<tr{' class=worse' if r['f1_after'] < r['f1_before'] else ''}>"
            f"<td>{html.escape(r['intent'])}</td><td>{r['support']}</td>"
            f"<td>{r['f1_before']:.3f}</td><td>{r['f1_after']:.3f}</td></tr>"
            for r in s.per_intent)
        parts.append("<table><thead><tr><th>intent</th><th>support</th><th>F1 before</th><th>F1 after</th>"
                     f"</tr></thead><tbody>{rows}</tbody></table>")
        parts.append(f"<h3>Messages whose prediction changed ({len(s.changed)})</h3>")
        parts.append(_table(["effect", "text", "gold", "before", "after"],
                            [(c["effect"], c["text"], c["gold"], c["before"], c["after"]) for c in s.changed]))
        if s.name in images:
            data = base64.b64encode(images[s.name].read_bytes()).decode("ascii")
            parts.append(f"<h3>Confusion matrix of the after model</h3>"
                         f"<img alt='confusion matrix, {html.escape(s.name)}' src='data:image/png;base64,{data}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(report: EvaluationReport, out_dir: Path) -> dict[str, Path]:
    """Writes summary.json, report.html and confusion_<set>.png into out_dir; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    images = {}
    for s in report.sets:
        images[s.name] = confusion_png(s.gold, s.after_predicted, out_dir / f"confusion_{_slug(s.name)}.png",
                                       f"{s.name}: after model")
        written[f"confusion_{s.name}"] = images[s.name]
    written["json"] = out_dir / "summary.json"
    written["json"].write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    written["html"] = out_dir / "report.html"
    written["html"].write_text(render_html(report, images), encoding="utf-8")
    return written


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


# ---------------------------------------------------------------- retraining and the command line


def retrain(project_root: Path, out: Path = AFTER_MODEL) -> Path:
    """`rasa train nlu` on the current data/nlu with the project's config, into `out` (not models/)."""
    out = out if out.is_absolute() else project_root / out
    out.parent.mkdir(parents=True, exist_ok=True)
    name = out.name.removesuffix(".tar.gz")
    command = [rasa_executable(), "train", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
               "--domain", "domain.yml", "--out", str(out.parent), "--fixed-model-name", name]
    subprocess.run(command, cwd=project_root, check=True)
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bot.trainer evaluate`."""
    parser.add_argument("--before", type=Path, default=Path("models/xiaodian.tar.gz"),
                        help="the model in use")
    parser.add_argument("--after", type=Path, default=AFTER_MODEL,
                        help="the model trained on the new data (written there with --retrain)")
    parser.add_argument("--retrain", action="store_true",
                        help="first train the NLU model on the current data into --after")
    parser.add_argument("--heldout", type=Path, default=HELDOUT,
                        help="held-out labelled log messages (Rasa NLU test format), if any")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="where report.html, summary.json and PNGs go")


def run(args: argparse.Namespace, project_root: Path) -> int:
    """The evaluate flow: optionally retrain, evaluate both models, write the report, print the headline."""

    def here(path: Path) -> Path:
        return path if path.is_absolute() else project_root / path

    after = retrain(project_root, here(args.after)) if args.retrain else here(args.after)
    for which, path in (("before", here(args.before)), ("after", after)):
        if not path.exists():
            print(f"no {which} model at {path}" + (" (use --retrain)" if which == "after" else ""))
            return 2
    sets: dict[str, Path] = {"nlu_test_set": project_root / TEST_SET}
    if here(args.heldout).exists():
        sets["heldout_logs"] = here(args.heldout)
    else:
        print(f"no held-out log messages at {here(args.heldout)}; evaluating on the NLU test set only")
    report = evaluate(here(args.before), after, sets)
    files = write_report(report, here(args.out))
    print(report.headline())
    print(f"report: {files['html']}  summary: {files['json']}")
    return 0


__all__ = [
    "EvaluationReport", "Prediction", "Scores", "SetResult", "compare", "evaluate", "to_prediction",
    "retrain", "score", "write_report",
]

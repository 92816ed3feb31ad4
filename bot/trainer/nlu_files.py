"""The one reader (and writer) of Rasa NLU YAML files for the trainers' tools, the evaluation and the
benchmarks: examples as (text, intent) pairs, the held-out split of labelled messages, and the forms two
messages are compared in."""

from __future__ import annotations

import random
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

# Labels a reviewer may give that are decisions, not intents: nothing is written for them.
SKIP_LABELS = frozenset({"skip", "not_a_question"})
TEST_SET = Path("tests/nlu/test_nlu.yml")
HELDOUT = Path("var/trainer/heldout.yml")
# Rasa's entity markup in an example: "[165](height)" or "[黑色]{...}" read as the text inside the brackets.
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """The form two messages are compared in: width-folded, case-folded, no spaces or punctuation.

    "你好，在么" and "你好 在么！" are the same example for training; keeping both only weights it twice.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not (ch.isspace() or unicodedata.category(ch)[0] == "P"))


def field_of(row: Any, name: str, default: Any = "") -> Any:
    """A field of a review row, whether read_review gives mappings or objects."""
    if isinstance(row, Mapping):
        value = row.get(name, default)
    else:
        value = getattr(row, name, default)
    return default if value is None else value


def label_of(row: Any) -> str:
    """The reviewer's label, stripped; empty when the row is not reviewed."""
    return str(field_of(row, "label")).strip()


def text_of(row: Any) -> str:
    """The message text on one line (a literal YAML block holds one example per line)."""
    return " ".join(str(field_of(row, "text")).split())


def read_examples(path: Path, plain: bool = False) -> list[tuple[str, str]]:
    """(text, intent) pairs of the intent blocks of a Rasa NLU YAML file (empty if it does not exist).

    Args:
        path: the file (data/nlu/*.yml, tests/nlu/test_nlu.yml, a held-out or labelled set).
        plain: entity markup reduced to its text ("[165](height)" -> "165"), as a buyer wrote it; else as
            written in the file.
    """
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = line[2:].strip()
                pairs.append((_ANNOTATION.sub(r"\1", text) if plain else text, str(block["intent"])))
    return pairs


def read_folder(folder: Path, plain: bool = False) -> list[tuple[str, str]]:
    """read_examples over every .yml of a folder (data/nlu), in file-name order."""
    return [pair for path in sorted(Path(folder).glob("*.yml")) for pair in read_examples(path, plain)]


def rasa_executable() -> str:
    """The rasa of the Python running this (the project's .venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("rasa")
    return str(beside) if beside.exists() else (shutil.which("rasa") or "rasa")


def split_heldout(
    rows: Iterable[Any], fraction: float = 0.3, seed: int = 0, exclude: Iterable[str] = ()
) -> tuple[list[Any], list[Any]]:
    """Splits labelled review rows into (to apply, held out), stratified by label.

    Rows with the same normalised text stay on one side, so a message never ends up both in training
    and in the held-out set. Unlabelled, skip/not_a_question rows and rows whose normalised text is in
    `exclude` (already in training or a test set, so useless for a fair evaluation) always go to the
    first list, where apply_labels accounts for them.

    Args:
        rows: review rows (mappings or objects) with text and label.
        fraction: share of each label's distinct messages to hold out (rounded down).
        seed: seed of the shuffle, so a split can be reproduced.
        exclude: normalised texts that must not be held out.

    Returns:
        (rows to apply, held-out rows), each in the input order.
    """
    rows = list(rows)
    excluded = set(exclude)
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))  # label -> text -> rows
    for index, row in enumerate(rows):
        label, key = label_of(row), normalise(text_of(row))
        if label and label not in SKIP_LABELS and key and key not in excluded:
            groups[label][key].append(index)
    conflicting = {key for label in groups for key in groups[label]
                   if sum(key in groups[other] for other in groups) > 1}
    rng = random.Random(seed)
    held: set[int] = set()
    for label in sorted(groups):
        keys = sorted(k for k in groups[label] if k not in conflicting)
        rng.shuffle(keys)
        for key in keys[: int(len(keys) * fraction)]:
            held.update(groups[label][key])
    return ([row for i, row in enumerate(rows) if i not in held],
            [row for i, row in enumerate(rows) if i in held])


def write_heldout(rows: Iterable[Any], path: Path) -> int:
    """Adds labelled rows to a Rasa NLU test file (kept from earlier rounds); returns how many were new."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    seen = set()
    for text, intent in read_examples(path):
        by_intent[intent].append(text)
        seen.add(normalise(text))
    added = 0
    for row in rows:
        text, label = text_of(row), label_of(row)
        if label and label not in SKIP_LABELS and normalise(text) not in seen:
            by_intent[label].append(text)
            seen.add(normalise(text))
            added += 1

    # Written as text, not dumped: a literal block per intent, one example a line, like data/nlu/.
    lines = ['version: "3.1"\n',
             "# Labelled log messages kept out of training to measure the trainer's rounds (bot/trainer).\n",
             "nlu:\n"]
    for intent, texts in sorted(by_intent.items()):
        lines += [f"- intent: {intent}\n", "  examples: |\n"] + [f"    - {t}\n" for t in texts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
    return added

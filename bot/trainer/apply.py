"""Writes reviewed log messages into data/nlu/ under their intent's block, keeping the files' comments."""

from __future__ import annotations

import argparse
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.trainer.nlu_files import (
    HELDOUT,
    SKIP_LABELS,
    TEST_SET,
    field_of,
    label_of,
    normalise,
    rasa_executable,
    read_examples,
    split_heldout,
    text_of,
    write_heldout,
)
from bot.trainer.review import read_review

NEW_INTENTS_NLU = Path("data/nlu/trainer_new_intents.yml")
NEW_INTENTS_RULES = Path("data/stories/trainer_new_intents.yml")
# Every line the trainer writes for a created intent carries this marker, so `grep -rn TODO(trainer)`
# finds what is left to do before the model may answer buyers.
TODO_MARK = "TODO(trainer)"
FALLBACK_ACTION = "action_clarify"

_INTENT_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Rasa reads "[text](entity)" and "[text]{...}" in an example as entity annotations.
_ANNOTATION = re.compile(r"\[[^\]]*\]\s*[({]")
_INTENT_LINE = re.compile(r"""^- intent:\s*["']?([A-Za-z0-9_]+)["']?\s*(#.*)?$""")
_EXAMPLES_LINE = re.compile(r"^(\s+)examples:\s*\|[-+]?\s*(#.*)?$")


@dataclass
class Skipped:
    """A labelled row that was not written, and why."""

    id: str
    text: str
    label: str
    reason: str


@dataclass
class ApplyReport:
    """What apply_labels did (or, in a dry run, would do)."""

    written: dict[str, list[str]] = field(default_factory=dict)  # file (relative) -> texts added
    written_by_intent: dict[str, int] = field(default_factory=dict)
    created_intents: list[str] = field(default_factory=list)
    unlabelled: int = 0
    skipped_by_reviewer: int = 0  # skip / not_a_question
    duplicates: list[Skipped] = field(default_factory=list)  # already in training with the same intent
    refused: list[Skipped] = field(default_factory=list)  # unknown intent, test-set sentence, bad text
    warnings: list[Skipped] = field(default_factory=list)  # conflicting labels: not written
    todo: list[str] = field(default_factory=list)  # what the trainer must do before the model is used
    dry_run: bool = False
    validation_returncode: int | None = None  # None: not run
    validation_output: str = ""

    @property
    def written_count(self) -> int:
        """How many examples were (or would be) added."""
        return sum(len(texts) for texts in self.written.values())

    @property
    def validation_passed(self) -> bool | None:
        """True/False from `rasa data validate --fail-on-warnings`; None when it did not run."""
        return None if self.validation_returncode is None else self.validation_returncode == 0

    @property
    def model_usable(self) -> bool:
        """False while a created intent still answers with the TODO placeholder rule or validation failed."""
        return not self.todo and self.validation_passed is not False

    def summary(self) -> str:
        """A few lines for the terminal."""
        verb = "would add" if self.dry_run else "added"
        lines = [f"{verb} {self.written_count} examples"]
        lines += [f"  {path}: {len(texts)}" for path, texts in sorted(self.written.items())]
        lines.append(
            f"not written: {len(self.duplicates)} already in training, {len(self.refused)} refused, "
            f"{len(self.warnings)} conflicting labels, {self.skipped_by_reviewer} skip/not_a_question, "
            f"{self.unlabelled} unlabelled"
        )
        for item in self.refused:
            lines.append(f"  refused [{item.id}] {item.label}: {item.reason}")
        for item in self.warnings:
            lines.append(f"  WARNING [{item.id}] {item.label}: {item.reason}")
        if self.created_intents:
            lines.append(f"created intents: {', '.join(self.created_intents)}")
        for item in self.todo:
            lines.append(f"  TODO: {item}")
        if self.todo:
            lines.append("DO NOT USE a model trained on this data for buyers until the TODOs are done.")
        if self.validation_returncode is not None:
            verdict = "passed" if self.validation_passed else "FAILED"
            lines.append(f"rasa data validate --fail-on-warnings: {verdict}")
            if not self.validation_passed:
                lines.append(self.validation_output.strip()[-3000:])
        return "\n".join(lines)


# ---------------------------------------------------------------- reading the project's data


def domain_intents(project_root: Path) -> list[str]:
    """Intent names of domain.yml (entries may be plain names or {name: {...}} mappings)."""
    data = yaml.safe_load((project_root / "domain.yml").read_text(encoding="utf-8"))
    names = []
    for entry in data.get("intents") or []:
        names.append(next(iter(entry)) if isinstance(entry, Mapping) else str(entry))
    return names


def training_files(project_root: Path) -> list[Path]:
    """The NLU training files, trainer_new_intents.yml last so feature files win for an intent."""
    files = sorted((project_root / "data" / "nlu").glob("*.yml"))
    return sorted(files, key=lambda p: p.name == NEW_INTENTS_NLU.name)


def block_file(project_root: Path, intent: str) -> Path | None:
    """The training file that holds `- intent: <intent>` with an examples block."""
    for path in training_files(project_root):
        if _find_block(path.read_text(encoding="utf-8").splitlines(keepends=True), intent) is not None:
            return path
    return None


# ---------------------------------------------------------------- textual edits


def _find_block(lines: list[str], intent: str) -> tuple[int, int, str] | None:
    """(insert_at, examples_line, item_indent) of the intent's `examples: |` block, or None.

    The block's content is every following line that is blank or indented deeper than `examples:`;
    new lines go after its last non-blank line, so blank lines and comments after the block stay put.
    """
    for i, line in enumerate(lines):
        match = _INTENT_LINE.match(line.rstrip("\r\n"))
        if not match or match.group(1) != intent:
            continue
        for j in range(i + 1, len(lines)):
            stripped = lines[j].rstrip("\r\n")
            if stripped.startswith("- ") or (stripped and not stripped[0].isspace() and not stripped.startswith("#")):
                break  # the next block or top-level key: this intent has no examples block here
            ex = _EXAMPLES_LINE.match(stripped)
            if not ex:
                continue
            key_indent = len(ex.group(1))
            last, item_indent = j, " " * (key_indent + 2)
            for k in range(j + 1, len(lines)):
                content = lines[k].rstrip("\r\n")
                if not content.strip():
                    continue
                indent = len(content) - len(content.lstrip(" "))
                if indent <= key_indent:
                    break
                if last == j:
                    item_indent = content[:indent]
                last = k
            return last + 1, j, item_indent
        return None
    return None


def append_to_block(text: str, intent: str, examples: Sequence[str]) -> str:
    """The file text with examples appended to the intent's block; everything else byte for byte."""
    lines = text.splitlines(keepends=True)
    found = _find_block(lines, intent)
    if found is None:
        raise ValueError(f"no examples block for intent {intent}")
    insert_at, _, indent = found
    if insert_at > 0 and not lines[insert_at - 1].endswith("\n"):
        lines[insert_at - 1] += "\n"
    lines[insert_at:insert_at] = [f"{indent}- {example}\n" for example in examples]
    return "".join(lines)


def add_new_intent_block(text: str, intent: str, examples: Sequence[str]) -> str:
    """trainer_new_intents.yml's text with a new intent block at the end."""
    if not text.strip():
        text = (
            'version: "3.1"\n\n'
            "# Intents created by the trainer from reviewed logs (python -m bot.trainer apply --create-intent).\n"
            "# Move a block into its feature's file once the intent has its own answer.\n\n"
            "nlu:\n"
        )
    if not text.endswith("\n"):
        text += "\n"
    block = [f"\n- intent: {intent}  # {TODO_MARK}: created from logs; give it a reply, then move it\n",
             "  examples: |\n"] + [f"    - {example}\n" for example in examples]
    return text + "".join(block)


def add_domain_intent(text: str, intent: str) -> str:
    """domain.yml's text with the intent appended to the `intents:` list, comments kept."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^intents:\s*(#.*)?$", line.rstrip("\r\n"))), None)
    if start is None:
        raise ValueError("domain.yml has no top-level intents: list")
    last_item, indent = None, "  "
    for k in range(start + 1, len(lines)):
        content = lines[k].rstrip("\r\n")
        if content and not content[0].isspace() and not content.startswith("#"):
            break
        if content.lstrip().startswith("- "):
            last_item, indent = k, content[: len(content) - len(content.lstrip())]
    at = (last_item if last_item is not None else start) + 1
    if not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines[at:at] = [f"{indent}- {intent}  # {TODO_MARK}: created from logs, answered by {FALLBACK_ACTION} for now\n"]
    return "".join(lines)


def add_placeholder_rule(text: str, intent: str) -> str:
    """data/stories/trainer_new_intents.yml's text with a placeholder rule for the intent."""
    if not text.strip():
        text = (
            'version: "3.1"\n'
            "# Placeholder rules for intents the trainer created from logs: each one only asks the buyer\n"
            f"# what they mean ({FALLBACK_ACTION}). Replace every {TODO_MARK} rule with a real answer.\n"
            "rules:\n"
        )
    if not text.endswith("\n"):
        text += "\n"
    return text + (
        f"  # {TODO_MARK}: answer {intent} with its own action, then delete this placeholder.\n"
        f"  - rule: {intent} is answered by {FALLBACK_ACTION} until it has a reply ({TODO_MARK})\n"
        "    steps:\n"
        f"      - intent: {intent}\n"
        f"      - action: {FALLBACK_ACTION}\n"
    )


# ---------------------------------------------------------------- apply


def protected_texts(project_root: Path, extra: Iterable[Path] = ()) -> set[str]:
    """Normalised texts that must never enter training: the NLU test set and the held-out log messages."""
    paths = [project_root / TEST_SET, project_root / HELDOUT, *extra]
    return {normalise(text) for path in paths for text, _ in read_examples(path)}


def apply_labels(
    rows: Iterable[Any],
    project_root: Path | str,
    *,
    create_intents: Iterable[str] = (),
    dry_run: bool = False,
    validate: bool = True,
    protected: Iterable[Path] = (),
) -> ApplyReport:
    """Writes labelled review rows into the training data under their intent's block.

    Args:
        rows: review rows (mappings or objects) with at least id, text and label.
        project_root: the project holding domain.yml, data/ and tests/nlu/test_nlu.yml.
        create_intents: labels that are not intents yet and may be created (domain, NLU block,
            placeholder rule to action_clarify marked TODO(trainer)).
        dry_run: compute the report without writing anything or validating.
        validate: run `rasa data validate --fail-on-warnings` after writing.
        protected: further NLU YAML files whose sentences must not be written (besides the test set
            and var/trainer/heldout.yml).

    Returns:
        An ApplyReport; its `todo` list is not empty when a created intent still needs a real answer.
    """
    root = Path(project_root)
    report = ApplyReport(dry_run=dry_run)
    known = set(domain_intents(root))
    creatable = {name.strip() for name in create_intents if name.strip()}
    for name in sorted(creatable):
        if not _INTENT_NAME.fullmatch(name) or name in SKIP_LABELS:
            raise ValueError(f"cannot create intent {name!r}: intents are English snake_case")

    trained: dict[str, set[str]] = defaultdict(set)  # normalised text -> intents
    for path in training_files(root):
        for text, intent in read_examples(path):
            trained[normalise(text)].add(intent)
    held_out = protected_texts(root, protected)

    # Group the batch by normalised text first: two rows of one message with different labels
    # are a reviewer conflict, and the same message twice with one label is written once.
    candidates: dict[str, list[tuple[Any, str, str]]] = defaultdict(list)
    for row in rows:
        label, text, row_id = label_of(row), text_of(row), str(field_of(row, "id"))
        if not label:
            report.unlabelled += 1
            continue
        if label in SKIP_LABELS:
            report.skipped_by_reviewer += 1
            continue
        if label not in known and label not in creatable:
            report.refused.append(Skipped(row_id, text, label,
                                          f"{label} is not an intent of domain.yml (--create-intent {label} to add it)"))
            continue
        key = normalise(text)
        if not key:
            report.refused.append(Skipped(row_id, text, label, "no words left to learn from"))
        elif _ANNOTATION.search(text):
            report.refused.append(Skipped(row_id, text, label, "Rasa would read [..](..) as an entity annotation"))
        elif key in held_out:
            report.refused.append(Skipped(row_id, text, label,
                                          "in the NLU test set or held-out messages: writing it would leak"))
        else:
            candidates[key].append((row_id, text, label))

    accepted: dict[str, list[str]] = defaultdict(list)  # intent -> texts
    for key, group in candidates.items():
        labels = {label for _, _, label in group}
        if len(labels) > 1:
            for row_id, text, label in group:
                report.warnings.append(Skipped(row_id, text, label,
                                               f"the same message is labelled {', '.join(sorted(labels))} in this review"))
            continue
        (first_id, first_text, label), rest = group[0], group[1:]
        elsewhere = trained.get(key, set()) - {label}
        if elsewhere:
            for row_id, text, _ in group:
                report.warnings.append(Skipped(row_id, text, label,
                                               f"already in training as {', '.join(sorted(elsewhere))}"))
        elif label in trained.get(key, set()):
            for row_id, text, _ in group:
                report.duplicates.append(Skipped(row_id, text, label, f"already in training as {label}"))
        else:
            accepted[label].append(first_text)
            for row_id, text, _ in rest:
                report.duplicates.append(Skipped(row_id, text, label, f"same message as row {first_id}"))

    for name in sorted(creatable - set(accepted) - known):
        report.warnings.append(Skipped("", "", name, "--create-intent given but no row written: intent not created"))

    # Plan every edit on the files' text first, write them together at the end.
    edits: dict[Path, str] = {}

    def current(path: Path) -> str:
        if path not in edits:
            edits[path] = path.read_text(encoding="utf-8") if path.exists() else ""
        return edits[path]

    for intent in sorted(accepted):
        examples = accepted[intent]
        path = block_file(root, intent)
        if intent not in known:
            report.created_intents.append(intent)
            edits[root / "domain.yml"] = add_domain_intent(current(root / "domain.yml"), intent)
            rules = root / NEW_INTENTS_RULES
            edits[rules] = add_placeholder_rule(current(rules), intent)
            report.todo.append(
                f"intent {intent} was created and answers with {FALLBACK_ACTION} ({NEW_INTENTS_RULES}, "
                f"marked {TODO_MARK}): give it a real reply, and write test sentences for it in {TEST_SET}"
            )
        if path is None:
            path = root / NEW_INTENTS_NLU
            text = current(path)
            edits[path] = (append_to_block(text, intent, examples)
                           if _find_block(text.splitlines(keepends=True), intent) else
                           add_new_intent_block(text, intent, examples))
        else:
            edits[path] = append_to_block(current(path), intent, examples)
        relative = str(path.relative_to(root))
        report.written.setdefault(relative, []).extend(examples)
        report.written_by_intent[intent] = len(examples)

    if dry_run:
        return report
    for path, text in edits.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if validate:
        report.validation_returncode, report.validation_output = validate_data(root)
    return report


def validate_data(project_root: Path) -> tuple[int, str]:
    """Runs `rasa data validate --fail-on-warnings` on the project; (return code, output)."""
    command = [rasa_executable(), "data", "validate", "--data", "data/nlu", "data/stories",
               "--config", "config.yml", "--domain", "domain.yml", "--fail-on-warnings"]
    done = subprocess.run(command, cwd=project_root, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


# ---------------------------------------------------------------- command line (wired in bot/trainer/__main__.py)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bot.trainer apply`."""
    parser.add_argument("--review", type=Path, default=Path("var/trainer/review.csv"),
                        help="the reviewed file (CSV or YAML) with a label per row")
    parser.add_argument("--create-intent", action="append", default=[], metavar="NAME",
                        help="a label that may become a new intent (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be written, write nothing")
    parser.add_argument("--heldout", type=Path, default=HELDOUT,
                        help="where the held-out part of the labelled rows goes (Rasa NLU test format)")
    parser.add_argument("--heldout-fraction", type=float, default=0.3,
                        help="share of the labelled rows kept out of training for evaluation (0 to keep none)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the held-out split")
    parser.add_argument("--no-validate", action="store_true", help="skip rasa data validate")


def run(args: argparse.Namespace, project_root: Path) -> int:
    """The apply flow: split off the held-out rows, write them, apply the rest, print the report.

    Returns 0 when everything was written and validated, 1 when validation failed, 3 when the
    data holds TODO placeholders (a created intent) that must be resolved before the model is used.
    """
    review = args.review if args.review.is_absolute() else project_root / args.review
    rows = read_review(review)
    heldout_path = args.heldout if args.heldout.is_absolute() else project_root / args.heldout
    train_rows, heldout_rows = split_heldout(rows, fraction=args.heldout_fraction, seed=args.seed,
                                             exclude=protected_texts(project_root) | _trained(project_root))
    if heldout_rows:
        verb = "would keep" if args.dry_run else "kept"
        print(f"{verb} {len(heldout_rows)} labelled messages out of training in {heldout_path}")
        if not args.dry_run:
            write_heldout(heldout_rows, heldout_path)
    report = apply_labels(train_rows, project_root, create_intents=args.create_intent,
                          dry_run=args.dry_run, validate=not args.no_validate,
                          protected=[heldout_path] if heldout_path != project_root / HELDOUT else [])
    print(report.summary())
    if report.validation_passed is False:
        return 1
    return 3 if report.todo else 0


def _trained(project_root: Path) -> set[str]:
    return {normalise(text) for path in training_files(project_root) for text, _ in read_examples(path)}

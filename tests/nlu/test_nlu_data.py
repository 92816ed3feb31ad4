"""Consistency checks for the NLU training data and the NLU test set.

Fast and independent of Rasa: only PyYAML and pytest are needed.

- every canonical intent of shared/intents.md exists in the training data with
  at least MIN_TRAIN examples and in the test set with at least MIN_TEST;
- no example text is labelled with two intents, in training or in the test set;
- no test-set text appears in the training data;
- every file starts with version "3.1".
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from bot.trainer.nlu_files import read_examples

PROJECT = Path(__file__).resolve().parents[2]
TRAIN_DIR = PROJECT / "data" / "nlu"
TEST_FILE = PROJECT / "tests" / "nlu" / "test_nlu.yml"
INTENTS_MD = Path(__file__).resolve().parents[3] / "shared" / "intents.md"

MIN_TRAIN = 30
MIN_TEST = 8


def _examples(path):
    """Return [(intent, text)] of a Rasa 3 NLU YAML file."""
    return [(intent, text) for text, intent in read_examples(path)]


def _by_intent(paths):
    result = defaultdict(list)
    for path in paths:
        for intent, text in _examples(path):
            result[intent].append(text)
    return result


def _train_files():
    return sorted(TRAIN_DIR.glob("*.yml"))


def _canonical_intents():
    """Intent names from the first column of the intents table."""
    names = []
    in_table = False
    for line in INTENTS_MD.read_text(encoding="utf-8").splitlines():
        if line.strip().lower().startswith("## intents"):
            in_table = True
            continue
        if in_table and line.startswith("## "):
            break
        if in_table and line.startswith("|"):
            cell = line.strip("|").split("|")[0].strip()
            if re.fullmatch(r"[a-z_]+", cell) and cell != "intent":
                names.append(cell)
    return names


@pytest.fixture(scope="module")
def train():
    files = _train_files()
    assert files, f"no training files in {TRAIN_DIR}"
    return _by_intent(files)


@pytest.fixture(scope="module")
def test_set():
    assert TEST_FILE.exists(), f"missing {TEST_FILE}"
    return _by_intent([TEST_FILE])


@pytest.mark.parametrize(
    "path", _train_files() + [TEST_FILE], ids=lambda p: p.name
)
def test_version_is_3_1(path):
    first = path.read_text(encoding="utf-8").splitlines()[0].strip()
    assert first in ('version: "3.1"', "version: '3.1'"), f"{path}: {first!r}"
    assert str(yaml.safe_load(path.read_text(encoding="utf-8"))["version"]) == "3.1"


def test_canonical_intents_covered(train, test_set):
    if not INTENTS_MD.exists():
        pytest.skip(f"shared contract not found at {INTENTS_MD}")
    intents = _canonical_intents()
    assert len(intents) >= 20, "could not parse the intents table"
    thin_train = {i: len(train.get(i, [])) for i in intents if len(train.get(i, [])) < MIN_TRAIN}
    thin_test = {i: len(test_set.get(i, [])) for i in intents if len(test_set.get(i, [])) < MIN_TEST}
    assert not thin_train, f"intents with < {MIN_TRAIN} training examples: {thin_train}"
    assert not thin_test, f"intents with < {MIN_TEST} test examples: {thin_test}"


def test_every_intent_has_enough_examples(train, test_set):
    """Also without the shared contract: nothing in the data is too thin."""
    thin_train = {i: len(v) for i, v in train.items() if len(v) < MIN_TRAIN}
    thin_test = {i: len(v) for i, v in test_set.items() if len(v) < MIN_TEST}
    assert not thin_train, thin_train
    assert not thin_test, thin_test
    assert set(test_set) <= set(train), set(test_set) - set(train)


def _conflicts(by_intent):
    where = defaultdict(list)
    for intent, texts in by_intent.items():
        for text in texts:
            where[text].append(intent)
    return {t: i for t, i in where.items() if len(i) > 1}


def test_no_text_has_two_labels_in_training(train):
    assert not _conflicts(train)


def test_no_text_has_two_labels_in_test_set(test_set):
    assert not _conflicts(test_set)


def test_test_set_not_in_training(train, test_set):
    seen = {t for texts in train.values() for t in texts}
    leaked = sorted(t for texts in test_set.values() for t in texts if t in seen)
    assert not leaked, leaked


@pytest.mark.parametrize("which", ["train", "test_set"])
def test_no_duplicates_within_an_intent(which, request):
    by_intent = request.getfixturevalue(which)
    dups = {
        intent: sorted({t for t in texts if texts.count(t) > 1})
        for intent, texts in by_intent.items()
        if len(set(texts)) != len(texts)
    }
    assert not dups, dups


REAL_BUYERS_DEV = Path(__file__).resolve().parents[3] / "shared" / "real_logs" / "labelled_dev.yml"


def _letters_and_digits(text):
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(ch)[0] in "LN")


# Formulas every shop writes (亲 / 没有 / 晚安 / 客服在吗 / 是正品吗) are in our examples and, by
# coincidence, in the real logs too (15 such, all written before the evaluation set existed); anything
# longer than this many letters and digits in both can only have been copied.
COINCIDENCE_MAX_CHARS = 4


def test_no_real_buyer_evaluation_message_is_in_training(train):
    """labelled_dev.yml is for evaluation only: none of its messages, even re-punctuated, may be trained on."""
    if not REAL_BUYERS_DEV.exists():
        pytest.skip(f"{REAL_BUYERS_DEV} is not in this clone")
    dev = {_letters_and_digits(text) for texts in _by_intent([REAL_BUYERS_DEV]).values() for text in texts}
    trained = {text for texts in train.values() for text in texts}
    leaked = sorted(text for text in trained
                    if _letters_and_digits(text) in dev and len(_letters_and_digits(text)) > COINCIDENCE_MAX_CHARS)
    assert not leaked, leaked

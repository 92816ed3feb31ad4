"""The reference model: Rasa's default recipe in Chinese (reference_config.yml), trained once and cached."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict

from bench import report, training
from bench.processes import REPO_DIR

CONFIG = Path(__file__).resolve().parent / "reference_config.yml"
CACHE_DIR = report.RESULTS_DIR / "reference"
MODEL = CACHE_DIR / "reference.tar.gz"
STAMP = CACHE_DIR / "reference.fingerprint"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    inputs = [CONFIG, REPO_DIR / "domain.yml"] + sorted((REPO_DIR / "data" / "nlu").rglob("*.yml")) + sorted(
        (REPO_DIR / "data" / "stories").rglob("*.yml"))
    for path in inputs:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model() -> Dict[str, Any]:
    """The cached reference model, trained now (full model: NLU and policies) if missing or stale."""
    want = _fingerprint()
    if MODEL.exists() and STAMP.exists() and STAMP.read_text() == want:
        return {"model": MODEL, "trained_now": False, "train_s": None}
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"==> Training the reference model (default recipe) into {CACHE_DIR}; this takes a while")
    seconds = training.train(CONFIG, CACHE_DIR, nlu_only=False, name="reference")
    STAMP.write_text(want)
    return {"model": MODEL, "trained_now": True, "train_s": seconds}

"""Story tests (tests/test_*.yml) against the trained model, with --fail-on-prediction-errors.

Each user line is parsed by the model, so a wrong intent fails a story as well as a wrong action.
Runs the Rasa CLI exactly as `make test-stories` does, so what passes here passes there.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "xiaodian.tar.gz"


def test_story_tests_pass_with_no_prediction_error(tmp_path):
    stories = sorted(str(p) for p in (ROOT / "tests").glob("test_*.yml"))
    assert stories, "no story test files tests/test_*.yml"
    out = tmp_path / "stories"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(MODEL),
         "--fail-on-prediction-errors", "--out", str(out), "--stories", *stories],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2"),
        capture_output=True, text=True, timeout=900,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, f"story tests failed:\n{details}"

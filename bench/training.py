"""Training time: what the last `make train` recorded, or a timed `rasa train nlu` into a throwaway directory."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Optional

from bench.processes import REPO_DIR, VENV_BIN

# scripts/train_if_needed.sh prints "==> Trained in N s"; it lands in a log only if someone kept one.
TRAINED_IN = re.compile(r"==> Trained in (\d+) s")


def recorded() -> Optional[Dict[str, Any]]:
    """The last "Trained in N s" found in .state/logs/*.log, if any."""
    found = None
    for log in sorted((REPO_DIR / ".state" / "logs").glob("*.log"), key=lambda p: p.stat().st_mtime):
        for match in TRAINED_IN.finditer(log.read_text("utf-8", "replace")):
            found = {"source": str(log), "seconds": int(match.group(1))}
    return found


def train(config: Path, out: Path, nlu_only: bool, name: str) -> float:
    """Runs `rasa train [nlu]` on the project's data with config into out; returns the seconds it took."""
    command = [str(VENV_BIN / "rasa"), "train"] + (["nlu", "--nlu", "data/nlu"] if nlu_only else
                                                  ["--data", "data/nlu", "data/stories", "--domain", "domain.yml"])
    command += ["--config", str(config), "--out", str(out), "--fixed-model-name", name]
    if not nlu_only:
        command.append("--force")
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR), "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(run_training: bool) -> Dict[str, Any]:
    """The recorded figure, and with run_training a fresh `rasa train nlu` timing (minutes on 2 cores)."""
    result: Dict[str, Any] = {"recorded_make_train": recorded()}
    if run_training:
        with tempfile.TemporaryDirectory(prefix="xiaodian-bench-train-") as tmp:
            result["rasa_train_nlu_s"] = train(REPO_DIR / "config.yml", Path(tmp), True, "bench-nlu")
    return result

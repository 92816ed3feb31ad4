"""Fingerprint of everything a trained model depends on, so `make run` retrains only when it changed."""

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What goes into the model: training data, config, domain, the files the custom NLU components read
# at training time, and the components' own code.
INPUTS = [
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/stories",
    "data/jieba",
    "data/lexicon",
    "data/shop/catalogue.yml",
    "bot/nlu",
    "bot/text",
    # the pinned sentence encoder: another version means other features
    "requirements-models.txt",
]


def fingerprint(root: Path = ROOT) -> str:
    """Returns a hex digest over the paths and contents of every model input file."""
    digest = hashlib.sha256()
    for entry in INPUTS:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    print(fingerprint(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))

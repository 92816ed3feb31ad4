"""bot/text is plain Python: importing it loads no Rasa, spaCy or TensorFlow (the actions use it too)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bot_text_imports_no_rasa():
    code = (
        "import sys, bot.text, bot.text.extraction, bot.text.lexicon;"
        "heavy = sorted(m for m in ('rasa', 'rasa_sdk', 'spacy', 'tensorflow') if m in sys.modules);"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""

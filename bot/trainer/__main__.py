"""Entry point for ``python -m bot.trainer``."""

import sys

from bot.trainer.cli import main

sys.exit(main())

"""The Rasa implementation of the trainer's Parser: the one module of bot.trainer that imports rasa.

The model is loaded once; messages are parsed in batches on one event loop, with Rasa's own
debug logging quietened (it logs every parse, which costs more than the parse).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import List, Sequence

from bot.trainer.mining import IntentScore, Parse


class RasaParser:
    """Parses messages with a trained Rasa model (models/xiaodian.tar.gz)."""

    def __init__(self, model_path: Path) -> None:
        """Loads the model (about 15 s on this machine).

        Args:
            model_path: the model archive.
        """
        from rasa.core.agent import Agent  # imported here so the rest of bot.trainer runs without rasa

        import structlog

        for name in ("rasa", "tensorflow", "absl"):
            logging.getLogger(name).setLevel(logging.WARNING)
        # Rasa logs every parse through structlog at debug level; that costs more than the parse.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
        self._agent = Agent.load(str(model_path))
        self._loop = asyncio.new_event_loop()

    def parse_batch(self, texts: Sequence[str]) -> List[Parse]:
        """Intent and ranking for each text, in order."""
        return self._loop.run_until_complete(self._parse_all(texts))

    async def _parse_all(self, texts: Sequence[str]) -> List[Parse]:
        return [to_parse(await self._agent.parse_message(text)) for text in texts]

    def close(self) -> None:
        """Closes the event loop used for parsing."""
        self._loop.close()


def to_parse(parse_data: dict) -> Parse:
    """Rasa's parse result as the trainer's Parse: nlu_fallback is kept as a flag, not as the intent."""
    intent = parse_data.get("intent") or {}
    ranking = [
        IntentScore(item["name"], float(item.get("confidence") or 0.0))
        for item in parse_data.get("intent_ranking") or []
        if item.get("name") and item["name"] != "nlu_fallback"
    ]
    return Parse(ranking=ranking, fallback=intent.get("name") == "nlu_fallback")

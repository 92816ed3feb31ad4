"""Trainer tools: import buyer logs (masked), mine what the model gets wrong, cluster candidate intents, review files."""

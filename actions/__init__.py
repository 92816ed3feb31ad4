"""Rasa SDK actions: thin adapters between the dialogue and the shop's core in bot/."""

"""Hand-off to a person: the ticket (the one definition of its JSON), when to hand off, the
summary an agent reads instead of the chat, and the ticket store.

Plain Python over the shop data: no rasa, rasa_sdk or aiohttp; times are passed in.
"""

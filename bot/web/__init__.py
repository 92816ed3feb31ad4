"""The shop's web service: demo shop page with the buyer's chat widget, the agents' console, the ticket API.

One aiohttp app on one port (default 8080). It is the buyer's only way in, so it decides whether a
message goes to Rasa or to the person handling the buyer's ticket. Start it with ``python -m bot.web``.
"""

"""The app's typed keys (web.AppKey): the one place that names what lives on the application."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Callable, Dict, Tuple

from aiohttp import web

from bot.handoff.store import TicketStore
from bot.orders.store import OrderStore
from bot.shop import Shop
from bot.shop.conversation import Conversation
from bot.web.agent_sessions import AgentSessions
from bot.web.agents import AgentDirectory
from bot.web.chat_log import ChatLog
from bot.web.rasa_client import RasaClient
from bot.web.rate_limits import RateLimiter
from bot.web.settings import Settings
from bot.web.signing import Signer
from bot.web.sockets import SocketRegistry
from bot.workbench.wording import Workbench

settings_key = web.AppKey("settings", Settings)
shop_key = web.AppKey("shop", Shop)
#: The shop's conversation wording (data/shop/conversation.yml): what the service itself says to buyers.
conversation_key = web.AppKey("conversation", Conversation)
#: The agents' workbench wording (data/shop/workbench.yml): quick phrases and suggested-reply templates.
workbench_key = web.AppKey("workbench", Workbench)
store_key = web.AppKey("store", TicketStore)
#: The order store on the same database: demo orders for new shop-page buyers (settings.demo_orders).
order_store_key = web.AppKey("order_store", OrderStore)
rasa_key = web.AppKey("rasa", RasaClient)
agents_key = web.AppKey("agents", AgentDirectory)
signer_key = web.AppKey("signer", Signer)
#: The clock, so tests can fix "now"; returns a timezone-aware datetime.
clock_key = web.AppKey("clock", Callable[[], datetime])
#: Open buyer widgets, by buyer id: agent replies are pushed here.
buyer_sockets_key = web.AppKey("buyer_sockets", SocketRegistry)
#: Open consoles, all under one key: every ticket change is pushed to them.
console_sockets_key = web.AppKey("console_sockets", SocketRegistry)
#: What each buyer was shown and sent, and their messages on the way to the assistant.
chat_log_key = web.AppKey("chat_log", ChatLog)
#: Open agents' sessions (sign-out revokes one).
sessions_key = web.AppKey("sessions", AgentSessions)
limiter_key = web.AppKey("limiter", RateLimiter)
#: Set to retry waiting messages now (a new one waits, or the assistant may be back).
recovery_wake_key = web.AppKey("recovery_wake", asyncio.Event)
#: Messages being answered right now, by (buyer id, key): a retry of one waits for the same answer.
in_flight_key = web.AppKey("in_flight", Dict[Tuple[str, str], asyncio.Future])

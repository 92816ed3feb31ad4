"""The agents' workbench: what the console shows and drafts beside a ticket, and who may do what.

Plain Python over the shop's data files, the tickets and the orders (no aiohttp, no Rasa): suggested replies
and quick phrases (wording in data/shop/workbench.yml), the buyer's side panel, the queue's filters and
waiting times, the roles' rights (transfer, concessions, the report). ``now`` is always passed in.
"""

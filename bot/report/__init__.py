"""The shop's service report: figures from Rasa's tracker store and the tickets for a range of days, plots, and
the same as a CSV and an HTML file (``python -m bot.report``) or a page for supervisors (``/report``).

Reads SQLite and PostgreSQL alike through SQLAlchemy; a month of a busy shop (200,000 buyer messages, 5,000
tickets: ``python -m bot.report.synthetic``) takes seconds (``make bench ARGS="--only report"``).
"""

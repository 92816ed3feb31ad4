"""The fixed moments the tests run at: the same for the actions, the live stack and the stores' tests."""
from datetime import datetime
from zoneinfo import ZoneInfo

#: A Monday, 40 minutes before the demo shop's 16:00 cut-off (XIAODIAN_NOW of the actions and the live stack).
FIXED_NOW = "2026-11-23T15:20:00+08:00"
NOW = datetime.fromisoformat(FIXED_NOW)
#: A Wednesday afternoon, for the order and ticket stores' own tests.
STORE_NOW = datetime(2026, 3, 11, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

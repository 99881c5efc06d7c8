"""The time zone the Chinese rules are written in.

China keeps one time zone, Beijing time (UTC+8, no daylight saving). The CBEC
annual limit runs over a calendar year in it, the customs messages carry their
times in it, and a buyer's delivery promise counts its days in it; templates show
it with ``{% timezone "Asia/Shanghai" %}``.
"""

from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

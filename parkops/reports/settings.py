"""The reports' settings, read from the configuration (instance config.py or PARKOPS_*).

- ``REPORTS_RECIPIENTS``: comma-separated e-mail addresses the submitted weekly
  report is sent to (the inspection team, the leaders); the group-chat robot
  (``WEBHOOK_URL``) gets it too.
- ``REPORTS_DUE_DAY`` (1 = Monday … 7 = Sunday, default 5) and ``REPORTS_DUE_HOUR``
  (default 17): when the week's report must be in; after that the office is reminded.
- ``REPORTS_UNIT``: the 报送单位 printed on the report.
"""

from flask import current_app


def recipients() -> list[str]:
    raw = current_app.config.get("REPORTS_RECIPIENTS", "")
    return [a.strip() for a in raw.split(",") if a.strip()]


def due_day() -> int:
    return int(current_app.config.get("REPORTS_DUE_DAY", 5))


def due_hour() -> int:
    return int(current_app.config.get("REPORTS_DUE_HOUR", 17))


def unit() -> str:
    return current_app.config.get("REPORTS_UNIT", "濮上生态园区管理局巡察整改工作领导小组办公室")

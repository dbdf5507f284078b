"""The reports' settings, kept in the database and changed by the office on
/settings/reports (``module_settings``, declared in the spec):

- ``reports.recipients``: the e-mail addresses a submitted weekly report is sent to
  (the inspection team, the leaders), comma-separated; the group-chat robot
  (``WEBHOOK_URL``) gets it too;
- ``reports.due_day`` (1 = Monday … 7 = Sunday, default 5) and ``reports.due_hour``
  (0–23, default 17, local time): when the week's report is due; after that the
  office is reminded;
- ``reports.unit``: the 报送单位 printed on the report.
"""

from flask_babel import lazy_gettext as _l

from parkops import module_settings
from parkops.module_settings import Setting

UNIT = "濮上生态园区管理局巡察整改工作领导小组办公室"


def addresses(text: str) -> str:
    """ "a@x, b@y" checked and tidied; ValueError naming the first address that is not one."""
    found = [a.strip() for a in text.replace(";", ",").replace("，", ",").split(",") if a.strip()]
    for address in found:
        local, at, domain = address.partition("@")
        if not (local and at and "." in domain) or " " in address:
            raise ValueError(f"{address!r} is not an e-mail address")
    return ", ".join(found)


def _in_range(low: int, high: int):
    def check(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"{value} is not between {low} and {high}")
        return value

    return check


SETTINGS = (
    Setting(
        "recipients",
        addresses,
        "",
        _l("E-mail addresses the submitted weekly report is sent to, separated by commas"),
        where="database",
    ),
    Setting(
        "due_day",
        _in_range(1, 7),
        5,
        _l("The day the week's report is due: 1 = Monday … 7 = Sunday"),
        where="database",
    ),
    Setting(
        "due_hour",
        _in_range(0, 23),
        17,
        _l("The hour (local time) of the due day from which the office is reminded"),
        where="database",
    ),
    Setting("unit", str, UNIT, _l("The reporting unit printed on the report"), where="database"),
)


def recipients() -> list[str]:
    text = module_settings.get("reports.recipients")
    return [a.strip() for a in text.split(",") if a.strip()]


def due_day() -> int:
    return module_settings.get("reports.due_day")


def due_hour() -> int:
    return module_settings.get("reports.due_hour")


def unit() -> str:
    return module_settings.get("reports.unit")

"""Problem 4's live figures. Each takes the reader's sites (a frozenset of ids; None:
every site) and returns (text shown on the ledger, good?), None for "no judgement"."""

from flask_babel import gettext as _

from modules.greening import scores, tasks, zones
from parkops.timeutil import business_day


def rostered_today(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Share of zones whose responsible person today is an active account."""
    rostered, total = zones.share_rostered(site_ids)
    if not total:
        return _("no maintenance zone yet"), None
    text = _("%(rostered)d of %(total)d zones", rostered=rostered, total=total)
    return text, rostered == total


def mean_score(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """The latest closed month's mean score (percent) and its change on the month before;
    good when at or above the pass mark."""
    months = scores.closed_months(site_ids)
    if not months:
        return _("no closed assessment round yet"), None
    month, found = months[0]
    mean = sum(found) / len(found) if found else 0.0
    text = _("%(mean).1f in %(month)s", mean=mean, month=month.strftime("%Y-%m"))
    if len(months) > 1 and months[1][1]:
        before = sum(months[1][1]) / len(months[1][1])
        text += " " + _("(%(change)+.1f on the month before)", change=mean - before)
    return text, mean >= scores.pass_mark()


def below_pass_mark(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Zones scored below the pass mark in the latest closed month; good when none."""
    months = scores.closed_months(site_ids, 1)
    if not months:
        return _("no closed assessment round yet"), None
    month, found = months[0]
    below = sum(1 for s in found if s < scores.pass_mark())
    text = _(
        "%(below)d of %(total)d zones in %(month)s",
        below=below,
        total=len(found),
        month=month.strftime("%Y-%m"),
    )
    return text, below == 0


def tasks_on_time(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Tasks due in the last 30 days (before today) done by the end of their local due
    day, of all those tasks; good at 90 % or more."""
    done, total = tasks.on_time_share(site_ids, business_day())
    if not total:
        return _("no task due in the last 30 days"), None
    text = _("%(done)d of %(total)d tasks done on time", done=done, total=total)
    return text, done * 10 >= total * 9

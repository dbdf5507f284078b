"""Problem 4's live figures. Each takes the reader's sites (a frozenset of ids; None:
every site) and returns (text shown on the ledger, good?), None for "no judgement"."""

from flask_babel import gettext as _

from modules.greening import zones


def rostered_today(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Share of zones whose responsible person today is an active account."""
    rostered, total = zones.share_rostered(site_ids)
    if not total:
        return _("no maintenance zone yet"), None
    text = _("%(rostered)d of %(total)d zones", rostered=rostered, total=total)
    return text, rostered == total

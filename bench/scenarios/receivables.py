"""Receivables at the issue's scale: 200,000 receivables and 1,000,000 payments.

On top of the demo's. 2,001 debtors at both sites, receivables over every aging
bucket back to 2017, each payment a partial one of a receivable (a sixth or less);
inserted in bulk by the module's own generator (modules/receivables/generate.py).

Chasing: 100,000 follow-up entries; one busy debtor has a letter for every open
receivable (issued through the module's service); a clean-up campaign over the first
site's receivables due before last year, a tenth of its items written off (approved).
``scale`` shrinks every volume (0.01: the hundredth the bench compares p95 with).

Pages: the aging page (by kind, by debtor; today and a month-end two months back),
the receivables list, the list of what awaits a letter, the debtors list, one busy
debtor's page (with the follow-up log), statement over ten years, letter form and
letter, a receivable's page, the campaign's page, and the home page's to-do, as
finance; the write-offs (all) and one write-off, as a leader.
"""

import random
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import func, select

from bench.scenarios import Page
from modules.receivables import campaigns, generate, ledger, letters, levels, month_sums
from modules.receivables.models import (
    Campaign,
    Debtor,
    FollowUp,
    Letter,
    Receivable,
    WriteOff,
)
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day

MODULES = ("receivables",)

# Not a multiple of the generator's 16 ages: with 2,000, every receivable of a debtor
# fell due the same day of the cycle (the busy one's none yet, so no letter to issue).
DEBTORS = 2_001
RECEIVABLES = 200_000
PAYMENTS = 1_000_000
FOLLOW_UPS = 100_000
WRITE_OFF_EVERY = 10  # a tenth of the campaign's items written off


def setup(app: Flask, scale: float = 1.0) -> None:
    rng = random.Random(36)  # the same data on every run, so runs compare

    def scaled(volume: int) -> int:
        return max(1, int(volume * scale))

    today = business_day()
    site_ids = list(db.session.scalars(select(Site.id).order_by(Site.id)))
    handler = db.session.scalar(select(User.id).where(User.username == "merchants"))
    ids = generate.debtors(rng, site_ids, scaled(DEBTORS))
    sites = {i: site_ids[n % len(site_ids)] for n, i in enumerate(ids)}
    owed = generate.receivables(
        rng, [(i, sites[i]) for i in ids], scaled(RECEIVABLES), today, [handler, None]
    )
    site_of = {rid: sites[debtor_id] for rid, debtor_id, _a, _d in owed}
    generate.payments(rng, owed, scaled(PAYMENTS), today, site_of)
    finance = db.session.scalar(select(User).where(User.username == "finance"))
    generate.follow_ups(rng, owed, scaled(FOLLOW_UPS), [finance.id])
    db.session.commit()
    busy = db.session.get(Debtor, _busy())
    rows = ledger.open_receivables(busy.id, busy.site_id)
    overdue = today - timedelta(days=levels.thresholds()[1])
    ids = [r.id for r, _balance in rows if r.level == 0 and r.due_on <= overdue]
    letters.issue(busy, busy.site_id, 1, ids[:200], today + timedelta(days=10), finance, today)
    campaign = campaigns.start("专项清理", site_ids[0], date(today.year - 1, 1, 1), finance, today)
    leader = db.session.scalar(select(User.id).where(User.username == "leader"))
    generate.write_offs(campaign.id, WRITE_OFF_EVERY, finance.id, leader, today)
    db.session.commit()


def _busy() -> int:
    """The debtor with the most receivables."""
    return db.session.scalar(
        select(Debtor.id)
        .join(Receivable, Receivable.debtor_id == Debtor.id)
        .group_by(Debtor.id)
        .order_by(func.count(Receivable.id).desc(), Debtor.id)
        .limit(1)
    )


def pages(app: Flask) -> list[Page]:
    busy = _busy()
    letter = db.session.scalar(select(Letter.id).where(Letter.debtor_id == busy).limit(1))
    campaign = db.session.scalar(select(func.max(Campaign.id)))
    write_off = db.session.scalar(select(func.max(WriteOff.id)))
    receivable = db.session.scalar(
        select(FollowUp.receivable_id)
        .group_by(FollowUp.receivable_id)
        .order_by(func.count().desc(), FollowUp.receivable_id)
        .limit(1)
    )
    start = date(business_day().year - 10, 1, 1).isoformat()
    # Two month-ends back: stored by its first request (a warm-up), read from then on.
    month_end = month_sums.month_end_before(month_sums.month_end_before(business_day()))
    return [
        Page("aging, by kind", "/receivables/aging?by=kind", "finance"),
        Page("aging, by debtor", "/receivables/aging?by=debtor", "finance"),
        Page(
            "aging, by kind, a month-end",
            f"/receivables/aging?by=kind&as_of={month_end}",
            "finance",
        ),
        Page("aging, by debtor, a month-end", f"/receivables/aging?as_of={month_end}", "finance"),
        Page("receivables, open", "/receivables/", "finance"),
        Page("receivables awaiting a letter", "/receivables/?chase=1", "finance"),
        Page("home, finance's to-do", "/", "finance"),
        Page("a debtor, follow-up log", f"/receivables/debtors/{busy}", "finance"),
        Page("a receivable, follow-up log", f"/receivables/{receivable}", "finance"),
        Page("letter form", f"/receivables/debtors/{busy}/letters/new", "finance"),
        Page("a letter", f"/receivables/letters/{letter}", "finance"),
        Page("clean-up campaign, with write-offs", f"/receivables/campaigns/{campaign}", "finance"),
        Page("write-offs, all", "/receivables/write-offs/?all=1", "leader"),
        Page("a write-off", f"/receivables/write-offs/{write_off}", "leader"),
        Page("debtors", "/receivables/debtors/", "finance"),
        Page(
            "statement, ten years",
            f"/receivables/debtors/{busy}/statement?start={start}",
            "finance",
        ),
    ]

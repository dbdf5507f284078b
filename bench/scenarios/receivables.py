"""Receivables at the issue's scale: 200,000 receivables and 1,000,000 payments.

On top of the demo's. 2,000 debtors at both sites, receivables over every aging
bucket back to 2017, each payment a partial one of a receivable (a sixth or less);
inserted in bulk by the module's own generator (modules/receivables/generate.py).

Pages: the aging page (by kind, by debtor), the receivables list, the debtors list
and one busy debtor's statement over ten years, as finance.
"""

import random
from datetime import date

from flask import Flask
from sqlalchemy import func, select

from bench.scenarios import Page
from modules.receivables import generate
from modules.receivables.models import Debtor, Receivable
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day

MODULES = ("receivables",)

DEBTORS = 2_000
RECEIVABLES = 200_000
PAYMENTS = 1_000_000


def setup(app: Flask) -> None:
    rng = random.Random(36)  # the same data on every run, so runs compare
    today = business_day()
    site_ids = list(db.session.scalars(select(Site.id).order_by(Site.id)))
    handler = db.session.scalar(select(User.id).where(User.username == "merchants"))
    ids = generate.debtors(rng, site_ids, DEBTORS)
    sites = {i: site_ids[n % len(site_ids)] for n, i in enumerate(ids)}
    owed = generate.receivables(
        rng, [(i, sites[i]) for i in ids], RECEIVABLES, today, [handler, None]
    )
    site_of = {rid: sites[debtor_id] for rid, debtor_id, _a, _d in owed}
    generate.payments(rng, owed, PAYMENTS, today, site_of)
    db.session.commit()


def pages(app: Flask) -> list[Page]:
    busy = db.session.scalar(
        select(Debtor.id)
        .join(Receivable, Receivable.debtor_id == Debtor.id)
        .group_by(Debtor.id)
        .order_by(func.count(Receivable.id).desc(), Debtor.id)
        .limit(1)
    )
    start = date(business_day().year - 10, 1, 1).isoformat()
    return [
        Page("aging, by kind", "/receivables/aging?by=kind", "finance"),
        Page("aging, by debtor", "/receivables/aging?by=debtor", "finance"),
        Page("receivables, open", "/receivables/", "finance"),
        Page("debtors", "/receivables/debtors/", "finance"),
        Page(
            "statement, ten years",
            f"/receivables/debtors/{busy}/statement?start={start}",
            "finance",
        ),
    ]

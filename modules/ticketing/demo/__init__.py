"""Demo data: the products, offices and windows of both sites, a second seller, and a
month of shifts and days in every state, with discrepancies planted for the auditor.

The month is built record by record with its real times (a service would stamp
today's); the figures still come from the services that compute them (expected
money, the daily summary, the day's flags), and days are signed off, found and
corrected through the services. What is planted, for the auditor to find:

- cashier2 at the zoo: small cash shortfalls within the tolerance most days,
  more free entries than her colleague, and more people through the zoo gate
  than tickets sold on her days (the 2019 pattern);
- three days ago: a shortfall beyond the second-count threshold, explained and
  counted again; two days ago: serials missing from a range, a sale below the
  list price, a zoo gate count above the tickets sold; four days ago: a bank
  deposit short of the day's cash; five days ago: a serial sold outside the
  seller's range;
- signed days with an open and a resolved finding, an approved gate-count
  correction and a correction waiting for approval;
- today at 濮上园: cashier2's shift open; cashier3 counted blind ¥30 short and has
  yet to explain it; cashier4 counted ¥150 short, explained it, and waits for a
  second count (these two go through the services, as a seller would);
- today at 中原绿色庄园: no shift yet;
- the days left unsigned past the next working day are escalated by the daily job.
"""

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from modules.ticketing import jobs
from modules.ticketing.demo import catalog as demo_catalog
from modules.ticketing.demo.month import Month
from modules.ticketing.models import Office
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day


def load() -> None:
    # Flags and notifications are worded in the installation's language.
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        _load()


def _load() -> None:
    if db.session.scalar(select(Office.id).limit(1)) is not None:
        return
    sites = {s.code: s for s in db.session.scalars(select(Site))}
    if not {"PSY", "ZYLZ"} <= set(sites):
        return
    users = {u.username: u for u in db.session.scalars(select(User))}
    users.update(demo_catalog.sellers(sites))
    today = business_day()
    catalog = demo_catalog.catalog(sites, users, today)
    offices = demo_catalog.offices(sites, users)
    demo_catalog.rolls(catalog, users["finance"], today)
    db.session.commit()
    Month(sites, users, catalog, offices, today).build()
    jobs.escalate_unsigned_days(today)

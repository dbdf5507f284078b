"""Merchants at the issue's scale: 5,000 merchants and 20,000 contracts over ten years,
and 100,000 inspections of merchants over a year (a tenth of them of one merchant).

On top of the demo's: each merchant its unit and four consecutive contracts (the
newest in force), inserted in bulk by the module's generator
(modules/merchants/generate.py). Pages: the merchants list (first page and a
search), the page of a merchant with the most contracts (its documents too), its
newest contract's page, and the settlement statement of the demo's exit, as the
merchant manager; the inspections list, the open violations and the page of the
merchant inspected most.

``scale``: merchants and their units are structure, contracts and inspections history
(bench/scenarios/__init__.py). At a hundredth: 400 merchants, enough for a full page of
the search (one merchant in eight is a 餐饮店), each with its contract in force only,
and a hundredth of the inspections (1,000; so the open violations, history, stay a
hundredth of the full volume's).
"""

import random

from flask import Flask
from sqlalchemy import func, select

from bench.scenarios import Page, history_share, structure
from modules.merchants import generate, inspection_generate
from modules.merchants.inspection_models import Inspection
from modules.merchants.models import Contract, Exit
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.paging import PER_PAGE
from parkops.timeutil import business_day

MODULES = ("receivables", "merchants")

MERCHANTS = 5_000
CONTRACTS_EACH = 4  # 20,000 contracts
INSPECTIONS_EACH = 20  # 100,000 inspections


def setup(app: Flask, scale: float = 1.0) -> None:
    rng = random.Random(16)  # the same data on every run, so runs compare
    count = structure(MERCHANTS, scale, PER_PAGE * len(generate.TRADES))
    contracts = max(1, round(CONTRACTS_EACH * history_share(MERCHANTS, count, scale)))
    site_ids = list(db.session.scalars(select(Site.id).order_by(Site.id)))
    manager = db.session.scalar(select(User.id).where(User.username == "merchants"))
    generate.merchants(rng, site_ids, count, contracts, business_day(), manager)
    inspections = round(MERCHANTS * INSPECTIONS_EACH * scale)
    inspection_generate.inspections(rng, inspections, business_day(), manager)
    db.session.commit()


def pages(app: Flask) -> list[Page]:
    busy = db.session.scalar(
        select(Contract.merchant_id)
        .group_by(Contract.merchant_id)
        .order_by(func.count().desc(), Contract.merchant_id.desc())
        .limit(1)
    )
    newest = db.session.scalar(select(func.max(Contract.id)).where(Contract.merchant_id == busy))
    exiting = db.session.scalar(select(func.min(Exit.contract_id)))
    inspected = db.session.scalar(
        select(Inspection.merchant_id)
        .group_by(Inspection.merchant_id)
        .order_by(func.count().desc(), Inspection.merchant_id)
        .limit(1)
    )
    return [
        Page("merchants", "/merchants/", "merchants"),
        Page("inspections of merchants", "/merchants/inspections/", "merchants"),
        Page("merchant violations, open", "/merchants/violations/", "merchants"),
        Page("the merchant inspected most", f"/merchants/merchants/{inspected}", "merchants"),
        Page("merchants, search", "/merchants/?q=%E9%A4%90%E9%A5%AE", "merchants"),
        Page("units", "/merchants/units/", "merchants"),
        Page("a merchant's page", f"/merchants/merchants/{busy}", "merchants"),
        Page("a contract's page", f"/merchants/contracts/{newest}", "merchants"),
        Page("a settlement statement", f"/merchants/contracts/{exiting}/settlement", "merchants"),
    ]

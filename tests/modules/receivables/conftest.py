"""Fixtures for receivables: two sites, finance (two people), a leader, handlers,
and a helper that raises receivables on given dates."""

from datetime import date
from types import SimpleNamespace

import pytest

from modules.receivables import ledger
from modules.receivables.models import DebtorKind, ReceivableKind
from parkops.extensions import db


@pytest.fixture
def park(app, make_site, make_user):
    app.config["DEFAULT_LOCALE"] = "en"  # messages are checked in English
    psy = make_site("PSY", "濮上园")
    zylz = make_site("ZYLZ", "中原绿色庄园")
    return SimpleNamespace(
        psy=psy,
        zylz=zylz,
        finance=make_user("finance", ["finance"], all_sites=True, display_name="Feng Tao"),
        finance2=make_user("finance2", ["finance"], all_sites=True, display_name="Li Na"),
        psy_finance=make_user("psyfin", ["finance"], sites=[psy]),
        leader=make_user("leader", ["leader"], all_sites=True),
        handler=make_user("handler", ["merchants"], sites=[psy], display_name="Han Mei"),
        other=make_user("other", ["merchants"], sites=[psy]),
        cashier=make_user("cashier", ["cashier"], sites=[psy]),
    )


@pytest.fixture
def make_debtor(park):
    def create(name="濮阳市某某餐饮有限公司", site=None, kind=DebtorKind.MERCHANT, **fields):
        data = ledger.DebtorData(site_id=(site or park.psy).id, name=name, kind=kind, **fields)
        debtor = ledger.add_debtor(data, park.finance)
        db.session.commit()
        return debtor

    return create


@pytest.fixture
def make_receivable(park):
    def create(debtor, amount_fen=100_00, due_on=date(2025, 3, 31), **fields):
        data = ledger.ReceivableData(
            debtor_id=debtor.id,
            site_id=fields.pop("site_id", debtor.site_id),
            kind=fields.pop("kind", ReceivableKind.RENT),
            amount_fen=amount_fen,
            raised_on=fields.pop("raised_on", min(due_on, date(2025, 1, 1))),
            due_on=due_on,
            **fields,
        )
        receivable = ledger.add_receivable(data, park.finance)
        db.session.commit()
        return receivable

    return create

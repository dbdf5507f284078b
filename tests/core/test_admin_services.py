"""Rules the administration services keep even when called without the forms."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.auth import admin_services as services
from parkops.auth.services import Refused
from parkops.extensions import db


@pytest.fixture(autouse=True)
def _english(app):
    """Services raise their messages outside a request: read them in English here."""
    with force_locale("en"):
        yield


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def account(**changes):
    fields = dict(
        display_name="Boss",
        email="",
        roles=["admin"],
        all_sites=True,
        site_ids=[],
        department_id=None,
    )
    fields.update(changes)
    return services.Account(**fields)


def test_the_last_active_admin_cannot_be_deactivated(make_user):
    boss = make_user("boss", ["admin"], all_sites=True)
    make_user("dormant", ["admin"], all_sites=True, active=False)
    office = make_user("office1", ["office"], all_sites=True)
    with pytest.raises(Refused, match="last active administrator"):
        services.set_user_active(boss, False, acting=office)
    db.session.expire_all()
    assert boss.active and audit_count() == 0


def test_the_last_active_admin_keeps_the_role(make_user):
    boss = make_user("boss", ["admin"], all_sites=True)
    office = make_user("office1", ["office"], all_sites=True)
    with pytest.raises(Refused, match="last active administrator"):
        services.update_user(boss, account(roles=["leader"]), acting=office, version=1)
    db.session.expire_all()
    assert boss.roles == {"admin"} and audit_count() == 0


def test_an_inactive_admin_may_lose_the_role(make_user):
    boss = make_user("boss", ["admin"], all_sites=True)
    dormant = make_user("dormant", ["admin"], all_sites=True, active=False)
    services.update_user(
        dormant, account(display_name="Dormant", roles=["leader"]), acting=boss, version=1
    )
    db.session.expire_all()
    assert dormant.roles == {"leader"}


def test_unknown_role_is_refused_by_the_service_too(make_user):
    boss = make_user("boss", ["admin"], all_sites=True)
    with pytest.raises(Refused, match="Unknown role: wizard"):
        services.create_user("newbie", "long enough password", account(roles=["wizard"]))
    with pytest.raises(Refused, match="Unknown site"):
        services.update_user(
            boss, account(all_sites=False, site_ids=[4242]), acting=boss, version=1
        )
    db.session.expire_all()
    assert boss.all_sites and audit_count() == 0

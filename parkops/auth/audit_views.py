"""The audit log, read-only: who did what, when; and whether the chain is intact."""

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import false, select, text
from sqlalchemy.orm import lazyload
from wtforms import SelectChoice

from parkops import audit, audit_words
from parkops.audit import AuditEntry
from parkops.auth.access import require
from parkops.auth.admin_forms import AuditFilterForm
from parkops.auth.models import User
from parkops.extensions import db
from parkops.paging import page_arg, paginate_capped
from parkops.timeutil import local_midnight_utc

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50


# The distinct actions by a skip along the (action, seq) index: one seek per action, not
# a read of every entry (SELECT DISTINCT would read them all on SQLite and PostgreSQL).
_RECORDED_ACTIONS = text(
    "WITH RECURSIVE found(action) AS ("
    " SELECT MIN(action) FROM audit_entries"
    " UNION ALL"
    " SELECT (SELECT MIN(action) FROM audit_entries WHERE action > found.action)"
    " FROM found WHERE found.action IS NOT NULL)"
    " SELECT action FROM found WHERE action IS NOT NULL"
)


def recorded_actions() -> list[str]:
    """Every action the log holds at least once (keys such as "auth.login"), sorted."""
    return list(db.session.scalars(_RECORDED_ACTIONS))


def people(ids: set[int]) -> dict[int, User]:
    """The page's people by id, in one statement (none for no one), their roles and
    sites left unloaded: the page shows names only. Kept in the session, they are
    where ``audit_words.person`` finds them."""
    if not ids:
        return {}
    found = db.session.scalars(
        select(User).where(User.id.in_(ids)).options(lazyload(User.role_rows), lazyload(User.sites))
    )
    return {u.id: u for u in found}


@bp.route("/")
@require("audit.view")
def index():
    form = AuditFilterForm(request.args)
    named = sorted((audit_words.action_label(a), a) for a in recorded_actions())
    form.action.choices = [SelectChoice("", _("All"))] + [SelectChoice(a, n) for n, a in named]
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if form.validate():
        if form.action.data:
            query = query.where(AuditEntry.action == form.action.data)
        if form.actor.data is not None:
            query = query.where(AuditEntry.actor_id == form.actor.data)
        if form.date_from.data:
            query = query.where(AuditEntry.at >= local_midnight_utc(form.date_from.data))
        if form.date_to.data:
            end = local_midnight_utc(form.date_to.data + timedelta(days=1))
            query = query.where(AuditEntry.at < end)
    else:
        query = query.where(false())  # a filter we cannot read must not show everything
    # Counted only ten pages ahead: the log grows by the year, its newest pages are read.
    number = page_arg()
    page = paginate_capped(query, number, PER_PAGE)
    users = people(audit_words.people_named(page.items))
    shown = [(e, audit_words.shown(e)) for e in page.items]
    filters = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/audit.html", form=form, page=page, entries=shown, users=users, filters=filters
    )


@bp.route("/verify")
@require("audit.view")
def verify():
    result = audit.verify()
    return render_template("admin/audit_verify.html", result=result)

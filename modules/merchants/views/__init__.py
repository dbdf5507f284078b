"""The merchants blueprint: one views module per concept, each thin (parse, call
the domain, render or redirect 303; a refused or invalid form answers 422).

Every route requires a merchants permission; single records go through
``get_for_site`` (404 for another site's), lists through the user's sites.
"""

from collections.abc import Callable

from flask import Blueprint, abort, redirect, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from wtforms.fields.choices import SelectChoice

from modules.merchants import access, register, texts  # noqa: F401  (texts: enum labels)
from modules.merchants.errors import MerchantsError
from parkops import idempotency
from parkops.auth.access import site_filter
from parkops.auth.models import Site
from parkops.extensions import db
from parkops.paging import page_arg, paginate, paginate_capped_rows

bp = Blueprint("merchants", __name__)


def repeat():
    """A retry of a form already taken: go where the first post went (else None)."""
    url = idempotency.previous_result(request.form.get(idempotency.FIELD))
    return redirect(url, 303) if url else None


def visible_sites() -> list[Site]:
    """The sites the signed-in user works at, by code."""
    return list(db.session.scalars(select(Site).where(site_filter(Site.id)).order_by(Site.code)))


def list_page(
    query: Callable[..., Select], template: str, extra: Callable[..., dict] | None = None
):
    """A register's list: ``query(user, text)`` searched by ``?q=``, paged by ``?page=``;
    ``extra(page)`` adds the template's values about the page's rows. A search counts
    its matches only ten pages ahead (``page.more``: "more than N"), so a common word
    costs the same as a rare one."""
    text = request.args.get("q", "").strip()[:50]
    number = page_arg()
    selected = query(current_user, text)
    page = paginate_capped_rows(selected, number) if text else paginate(selected, page=number)
    return render_template(
        template,
        page=page,
        text=text,
        may_write=access.may_write(current_user),
        **(extra(page) if extra else {}),
    )


def new_page(
    form: FlaskForm, template: str, create: Callable[[FlaskForm, str | None], str], shown_at: str
):
    """A register's "new" form with a site choice: ``create(form, retry_key)`` stores
    the record and returns the page to go to, or raises MerchantsError (shown under
    the field named ``shown_at``). A site the user may not write at is a 404."""
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in visible_sites()]
    if request.method == "GET":
        return render_template(template, form=form)
    if done := repeat():
        return done
    if form.validate():
        if not access.may_write(current_user, form.site_id.data):
            abort(404)
        try:
            return redirect(create(form, request.form.get(idempotency.FIELD)), 303)
        except MerchantsError as refused:
            form[shown_at].errors = [str(refused)]
    return render_template(template, form=form), 422


from modules.merchants.views import (  # noqa: E402, F401
    contracts,
    documents,
    drafts,
    exits,
    imports,
    inspections,
    merchants,
    turnover,
    units,
)

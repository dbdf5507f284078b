"""Receivables: the list with balances, raising one (with scans), one receivable's page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from modules.receivables import access, followups, ledger, levels, queries, writeoffs
from modules.receivables.errors import ReceivablesError
from modules.receivables.forms import FollowUpForm, ReceivableForm
from modules.receivables.models import Allocation, Debtor, Payment, Receivable
from modules.receivables.views import bp, receivable_or_404, repeat, visible_sites
from modules.receivables.views.debtors import READ
from parkops import attachments, people
from parkops.attachments import Attachment, AttachmentError
from parkops.auth.access import require, site_filter
from parkops.auth.models import Department, Site, User
from parkops.extensions import db
from parkops.money import format_fen
from parkops.paging import PER_PAGE, CappedPagination, RowPagination, page_arg
from parkops.query_args import int_arg
from parkops.timeutil import business_day

OWNER = "receivables.receivable"


class CappedRows(CappedPagination):
    """A page of (Receivable, balance fen) rows counted only ten pages ahead: counting
    every open receivable summed the payments of each of them, on every page, so the
    list slowed down as the ledger grew (``more``: the list goes on past ``total``)."""

    _query_items = RowPagination._query_items


@bp.route("/")
@require(*READ)
def index():
    open_only = request.args.get("all") != "1"
    chase = request.args.get("chase") == "1"  # only those awaiting a letter
    query = queries.receivable_list(current_user, open_only=open_only)
    if chase:
        query = query.where(levels.due_clause(business_day()))
    page = CappedRows(
        select=query,
        session=db.session(),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "receivables/receivables/index.html",
        page=page,
        open_only=open_only,
        chase=chase,
        may_write=access.may_write(current_user),
    )


def _choices(form: ReceivableForm) -> None:
    sites = visible_sites()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in sites]
    # A debtor is one site's (``ledger.add_receivable``): named with it when one sees two.
    form.debtor_id.choices = [
        SelectChoice(d.id, f"{d.name} · {d.site.name}" if len(sites) > 1 else d.name)
        for d in db.session.scalars(
            select(Debtor).where(site_filter(Debtor.site_id)).order_by(Debtor.name)
        )
    ]
    form.department_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(d.id, d.name)
        for d in db.session.scalars(
            select(Department).where(Department.active).order_by(Department.name)
        )
    ]
    form.handler_id.choices = [SelectChoice("", "—"), *_handler_choices(sites)]


def _handler_choices(sites: list[Site]) -> list[SelectChoice]:
    """The people who may handle a receivable, grouped by the site they work at (the
    people search's rule, ``people.seeing``): one working at all sites is under each.
    Two statements (the people, their sites); the ledger checks the pick again."""
    found = db.session.scalars(
        select(User)
        .where(User.active, people.seeing([s.id for s in sites]))
        .options(selectinload(User.sites))
        .order_by(User.display_name)
    ).all()
    return [
        SelectChoice(u.id, u.display_name, optgroup=site.name)
        for site in sites
        for u in found
        if u.all_sites or any(s.id == site.id for s in u.sites)
    ]


@bp.route("/new", methods=["GET", "POST"])
@require("receivables.write")
def new():
    form = ReceivableForm()
    _choices(form)
    if request.method == "GET" and (debtor_id := int_arg("debtor")):
        form.debtor_id.data = debtor_id
    status = 200
    if request.method == "POST":
        if done := repeat():
            return done
        if form.validate():
            if not access.may_write(current_user, form.site_id.data):
                abort(404)
            data = ledger.ReceivableData(
                debtor_id=form.debtor_id.data,
                site_id=form.site_id.data,
                kind=form.receivable_kind,
                amount_fen=form.amount.data,
                raised_on=form.raised_on.data,
                due_on=form.due_on.data,
                origin=form.origin.data or "",
                department_id=form.department_id.data,
                handler_id=form.handler_id.data,
                note=form.note.data or "",
            )
            files = [f for f in request.files.getlist("files") if f and f.filename]
            try:
                receivable = ledger.raise_receivable(
                    data, current_user, files, request.form.get("idempotency_key")
                )
                flash(
                    _("Receivable of %(amount)s recorded.", amount=format_fen(data.amount_fen)),
                    "success",
                )
                return redirect(url_for("receivables.receivable", receivable_id=receivable.id), 303)
            except (ReceivablesError, AttachmentError) as refused:
                form.amount.errors = [str(refused)]
        status = 422
    return render_template("receivables/receivables/form.html", form=form), status


@bp.route("/<int:receivable_id>")
@require(*READ)
def receivable(receivable_id: int):
    return receivable_page(receivable_or_404(receivable_id, current_user), FollowUpForm())


def receivable_page(found: Receivable, follow_up_form: FollowUpForm, status: int = 200):
    """The receivable's page: its payments, scans, write-offs, follow-up log (and the
    form to add one, for those who may)."""
    parts = db.session.execute(
        select(Allocation, Payment)
        .join(Payment, Payment.id == Allocation.payment_id)
        .where(Allocation.receivable_id == found.id)
        .order_by(Allocation.id)
    ).all()
    files = db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_kind == OWNER, Attachment.owner_id == found.id)
        .order_by(Attachment.id)
    ).all()
    balance = ledger.balance_of(found)
    page = render_template(
        "receivables/receivables/receivable.html",
        receivable=found,
        balance=balance,
        write_offs=writeoffs.of_receivable(found.id),
        may_propose=balance > 0 and access.may_write(current_user, found.site_id),
        parts=parts,
        files=files,
        log=followups.of_receivable(found.id),
        may_follow_up=access.may_follow_up(current_user, found),
        follow_up_form=follow_up_form,
    )
    return page, status


@bp.route("/<int:receivable_id>/files/<int:attachment_id>")
@require(*READ)
def receivable_file(receivable_id: int, attachment_id: int):
    found = receivable_or_404(receivable_id, current_user)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or (attachment.owner_kind, attachment.owner_id) != (OWNER, found.id):
        abort(404)
    return attachments.send(attachment)

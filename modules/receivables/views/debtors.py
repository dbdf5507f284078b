"""The debtor register: the list (ID numbers masked), a new debtor, one debtor's page."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from modules.receivables import access, followups, ledger, queries, statements
from modules.receivables.errors import ReceivablesError
from modules.receivables.forms import DebtorForm
from modules.receivables.views import bp, debtor_or_404, repeat, visible_sites
from parkops.auth.access import require
from parkops.auth.models import User
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.paging import page_arg, paginate_objects
from parkops.query_args import date_arg
from parkops.spreadsheet import Book
from parkops.timeutil import business_day

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

READ = ("receivables.view", "receivables.own", "receivables.write")


@bp.route("/debtors/")
@require(*READ)
def debtors():
    text = request.args.get("q", "").strip()[:50]
    page = paginate_objects(queries.debtor_list(current_user, text), page=page_arg())
    owed = queries.owed_by(current_user, [d.id for d in page.items])
    return render_template(
        "receivables/debtors/index.html",
        page=page,
        rows=[(d, *owed.get(d.id, (0, 0))) for d in page.items],
        text=text,
        may_write=access.may_write(current_user),
    )


@bp.route("/debtors/new", methods=["GET", "POST"])
@require("receivables.write")
def new_debtor():
    form = DebtorForm()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in visible_sites()]
    form.account_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(u.id, u.display_name)
        for u in db.session.scalars(select(User).where(User.active).order_by(User.display_name))
    ]
    status = 200
    if request.method == "POST":
        if done := repeat():
            return done
        if form.validate():
            if not access.may_write(current_user, form.site_id.data):
                abort(404)
            data = ledger.DebtorData(
                site_id=form.site_id.data,
                name=form.name.data,
                kind=form.debtor_kind,
                id_code=form.id_code.data or "",
                contact=form.contact.data or "",
                phone=form.phone.data or "",
                address=form.address.data or "",
                subject_kind=ledger.USER_SUBJECT if form.account_id.data else None,
                subject_id=form.account_id.data,
            )
            try:
                debtor = ledger.create_debtor(
                    data, current_user, request.form.get("idempotency_key")
                )
                flash(_("Debtor %(name)s added.", name=debtor.name), "success")
                return redirect(url_for("receivables.debtor", debtor_id=debtor.id), 303)
            except ReceivablesError as refused:
                form.name.errors = [str(refused)]
        status = 422
    return render_template("receivables/debtors/form.html", form=form), status


@bp.route("/debtors/<int:debtor_id>")
@require(*READ)
def debtor(debtor_id: int):
    found = debtor_or_404(debtor_id, current_user)
    rows = db.session.execute(queries.receivable_list(current_user, debtor_id=found.id)).all()
    payments = db.session.execute(queries.debtor_payments(found.id, current_user)).all()
    return render_template(
        "receivables/debtors/debtor.html",
        debtor=found,
        rows=rows,
        open_fen=sum(balance for _r, balance in rows),
        payments=payments,
        log=followups.of_debtor(found, access.receivable_scope(current_user)),
        may_write=access.may_write(current_user),
    )


def _period() -> tuple[date, date]:
    """``start`` and ``end`` from the query string (YYYY-MM-DD); default: this year
    to today. 400 when the end comes before the start."""
    today = business_day()
    start = date_arg("start") or today.replace(month=1, day=1)
    end = date_arg("end") or today
    if end < start:
        abort(400)
    return start, end


@bp.route("/debtors/<int:debtor_id>/statement")
@require(*READ)
def statement(debtor_id: int):
    found = debtor_or_404(debtor_id, current_user)
    start, end = _period()
    template = "print" if request.args.get("print") == "1" else "statement"
    return render_template(
        f"receivables/debtors/{template}.html",
        st=statements.statement(current_user, found, start, end),
    )


@bp.route("/debtors/<int:debtor_id>/statement.xlsx")
@require(*READ)
def statement_xlsx(debtor_id: int):
    found = debtor_or_404(debtor_id, current_user)
    start, end = _period()
    st = statements.statement(current_user, found, start, end)
    title = _("Statement of %(name)s", name=found.name)
    book = Book(title)
    columns, rows = statements.columns_and_rows(st)
    sheet = book.sheet(_("Statement"), columns)
    for row in rows:
        sheet.append(row)
    period = f"{found.id}-{start.isoformat()}-{end.isoformat()}"
    return send_download(
        book.to_bytes(),
        _("statement-%(period)s.xlsx", period=period),
        XLSX,
        fallback=f"statement-{period}.xlsx",
    )

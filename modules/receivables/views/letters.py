"""Chasing letters: issue one for a debtor (finance), read it as sent (print view,
.docx). A letter is seen by whoever may see its debtor."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from modules.receivables import access, ledger, letters, levels
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import Letter
from modules.receivables.views import bp, debtor_or_404, repeat
from parkops.auth.access import require
from parkops.documents import Document
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.money import format_fen
from parkops.query_args import DateOutOfRange, form_date, parse_number
from parkops.timeutil import business_day

READ = ("receivables.view", "receivables.own", "receivables.write")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _letter_or_404(letter_id: int) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        abort(404)
    debtor_or_404(letter.debtor_id, current_user)  # 404 unless its debtor is seen
    if not current_user.can_see_site(letter.site_id):
        abort(404)
    return letter


@bp.route("/debtors/<int:debtor_id>/letters/new", methods=["GET", "POST"])
@require("receivables.write")
def new_letter(debtor_id: int):
    debtor = debtor_or_404(debtor_id, current_user)
    site_id = debtor.site_id
    if not access.may_write(current_user, site_id):
        abort(404)
    today = business_day()
    errors, status = [], 200
    rows = ledger.open_receivables(debtor.id, site_id)
    proposed = levels.proposals([r for r, _balance in rows], today)
    # The form proposes the highest level a receivable has reached, and ticks the
    # receivables a letter at that level may be about.
    suggested = max((n for n in proposed.values() if n), default=1)
    level = request.form.get("level", request.args.get("level", str(suggested)))
    deadline = request.form.get("deadline", (today + timedelta(days=10)).isoformat())
    chosen = request.form.getlist("receivable_id")
    if request.method == "GET" and (asked := parse_number(level)) is not None:
        held = letters.running(debtor.id, site_id, today)  # not again before its deadline
        chosen = [
            str(r.id)
            for r, _b in rows
            if (r.level >= asked or proposed[r.id] == asked) and held.get(r.id, (0,))[0] < asked
        ]
    if request.method == "POST":
        if done := repeat():
            return done
        try:
            letter = letters.issue(
                debtor,
                site_id,
                parse_number(level) or 0,
                [n for i in chosen if (n := parse_number(i)) is not None],
                _date(deadline),
                current_user,
                today,
                request.form.get("idempotency_key"),
            )
            flash(_("Letter issued: print it from this page."), "success")
            return redirect(url_for("receivables.letter", letter_id=letter.id), 303)
        except ReceivablesError as refused:
            errors, status = [str(refused)], 422
    return render_template(
        "receivables/letters/new.html",
        debtor=debtor,
        rows=rows,
        proposed=proposed,
        level=level,
        deadline=deadline,
        chosen=chosen,
        errors=errors,
    ), status


def _date(text: str) -> date:
    try:
        day = form_date(text)
    except DateOutOfRange as refused:
        raise ReceivablesError(str(refused)) from None
    if day is None:
        raise ReceivablesError(_("The deadline is not a date."))
    return day


@bp.route("/letters/<int:letter_id>")
@require(*READ)
def letter(letter_id: int):
    found = _letter_or_404(letter_id)
    return render_template(
        "receivables/letters/print.html", letter=found, c=letters.content_of(found)
    )


@bp.route("/letters/<int:letter_id>.docx")
@require(*READ)
def letter_docx(letter_id: int):
    found = _letter_or_404(letter_id)
    c = letters.content_of(found)
    doc = Document(c["title"])
    doc.title(c["title"], red=True)
    doc.issue_number(c["reference"])
    doc.addressee(f"{c['debtor']}：")
    doc.paragraph(c["body"])
    doc.table(
        ("序号", "款项", "依据", "发生日期", "到期日", "欠款金额"),
        [
            (
                str(n),
                i["kind"],
                i["origin"],
                i["raised_on"],
                i["due_on"],
                format_fen(i["balance_fen"]),
            )
            for n, i in enumerate(c["items"], 1)
        ]
        + [("合计", "", "", "", "", c["total"])],
        (8, 12, 21, 19, 19, 21),  # a date or an amount stays on one line
        centered=(0, 3, 4),
    )
    doc.paragraph(f"合计金额（大写）：人民币{c['capital']}")
    doc.right(c["unit"] or " ")
    doc.right(c["date"])
    return send_download(
        doc.to_bytes(),
        f"{c['reference']}.docx",
        DOCX,
        fallback=f"reminder-letter-{found.year}-{found.number}.docx",
    )


@bp.route("/debtors/<int:debtor_id>/letters")
@require(*READ)
def debtor_letters(debtor_id: int):
    debtor = debtor_or_404(debtor_id, current_user)
    rows = db.session.scalars(
        select(Letter)
        .where(Letter.debtor_id == debtor.id)
        .order_by(Letter.year.desc(), Letter.number.desc())
    ).all()
    return render_template("receivables/letters/index.html", debtor=debtor, rows=rows)

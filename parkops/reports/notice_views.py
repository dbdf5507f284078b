"""Public notice routes: the list, making the draft, editing it, publishing, reading,
printing and the .docx. The office (reports.write) drafts and publishes; leaders read.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from parkops import conflicts
from parkops.auth.access import require
from parkops.downloads import send_download
from parkops.extensions import db
from parkops.reports import notice
from parkops.reports.forms import NoticeForm, PublishForm
from parkops.reports.models import NoticeState, PublicNotice
from parkops.reports.wording import cn_date
from parkops.timeutil import business_day

bp = Blueprint("notice", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNPROCESSABLE = 422


def _notice(notice_id: int) -> PublicNotice:
    return db.session.get(PublicNotice, notice_id) or abort(404)


@bp.route("/")
@require("reports.view")
def index():
    notices = db.session.scalars(select(PublicNotice).order_by(PublicNotice.id.desc())).all()
    return render_template("reports/notice/index.html", notices=notices, form=FlaskForm())


@bp.route("/draft", methods=["POST"])
@require("reports.write")
def make_draft():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    draft = notice.make_draft(current_user)
    flash(_("Draft made from the ledger as it stands."), "success")
    return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@require("reports.write")
def edit(notice_id: int):
    draft = _notice(notice_id)
    if draft.state != NoticeState.DRAFT:
        return redirect(url_for("reports.notice.show", notice_id=draft.id), 303)
    parts = notice.parts_of(draft)
    form = NoticeForm(data={**{k: parts[k] for k in notice.TEXT_PARTS}, "version": draft.version})
    typed = dict(parts["problems"])
    conflict = None
    if form.validate_on_submit():
        problems = {
            code: request.form[f"problem-{code}"].strip()
            for code in parts["problems"]
            if f"problem-{code}" in request.form  # a part not sent is left as it is
        }
        texts = {k: form[k].data.strip() for k in notice.TEXT_PARTS}
        try:
            notice.update(draft, form.version.data, texts, problems, current_user)
        except (notice.VersionConflict, StaleDataError):  # someone saved since the page loaded
            db.session.rollback()
            draft = _notice(notice_id)
            parts = notice.parts_of(draft)
            conflict = conflicts.differences(form, {k: parts[k] for k in notice.TEXT_PARTS})
            conflict += [
                conflicts.Difference(code, parts["problems"][code], text)
                for code, text in problems.items()
                if text != parts["problems"][code]
            ]
            conflicts.keep_typed(form, draft.version)
            typed.update(problems)
        else:
            flash(_("The draft is saved."), "success")
            return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)
    status = conflicts.CONFLICT if conflict is not None else (UNPROCESSABLE if form.errors else 200)
    return render_template(
        "reports/notice/edit.html",
        notice=draft,
        parts=parts,
        typed=typed,
        form=form,
        conflict=conflict,
        publish=PublishForm(version=draft.version),
        current=notice.stale_figures(parts),
    ), status


@bp.route("/<int:notice_id>/figures", methods=["POST"])
@require("reports.write")
def take_figures(notice_id: int):
    """Take the ledger's current figures into the draft (and its counts paragraph)."""
    draft = _notice(notice_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        notice.take_current_figures(draft, form.version.data, current_user)
    except notice.VersionConflict:
        flash(_("The draft was changed by someone else meanwhile: read it again."), "error")
    else:
        flash(_("The draft now has the ledger's current figures."), "success")
    return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)


@bp.route("/<int:notice_id>/publish", methods=["POST"])
@require("reports.write")
def publish(notice_id: int):
    draft = _notice(notice_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        notice.publish(draft, form.version.data, current_user, business_day())
    except notice.VersionConflict:
        flash(
            _("The draft was changed by someone else meanwhile: read it again before publishing."),
            "error",
        )
        return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)
    except notice.StaleFigures:
        flash(
            _(
                "Not published: the ledger's figures have changed since this draft's were"
                " taken. Take the current figures, check the texts, then publish."
            ),
            "error",
        )
        return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)
    flash(_("The notice is published."), "success")
    return redirect(url_for("reports.notice.show", notice_id=draft.id), 303)


@bp.route("/<int:notice_id>")
@require("reports.view")
def show(notice_id: int):
    item = _notice(notice_id)
    return render_template(
        "reports/notice/show.html", notice=item, parts=notice.parts_of(item), cn_date=cn_date
    )


@bp.route("/<int:notice_id>/print")
@require("reports.view")
def print_view(notice_id: int):
    item = _notice(notice_id)
    return render_template(
        "reports/notice/print.html", notice=item, parts=notice.parts_of(item), cn_date=cn_date
    )


@bp.route("/<int:notice_id>.docx")
@require("reports.view")
def docx(notice_id: int):
    item = _notice(notice_id)
    data = notice.notice_docx(notice.parts_of(item), item.published_on)
    return send_download(
        data, f"整改情况通报-{item.id}.docx", DOCX, fallback=f"rectification-notice-{item.id}.docx"
    )

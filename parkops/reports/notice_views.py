"""Public notice routes: the list, making the draft, editing it, publishing, reading,
printing and the .docx. The office (reports.write) drafts and publishes; leaders read.
"""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from parkops.auth.access import require
from parkops.extensions import db
from parkops.reports import notice
from parkops.reports.forms import NoticeForm, PublishForm
from parkops.reports.models import NoticeState, PublicNotice
from parkops.reports.wording import cn_date
from parkops.timeutil import business_day

bp = Blueprint("notice", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONFLICT = 409
UNPROCESSABLE = 422


def _notice(notice_id: int) -> PublicNotice:
    return db.session.get(PublicNotice, notice_id) or abort(404)


@bp.route("/")
@require("reports.view")
def index():
    notices = db.session.scalars(
        select(PublicNotice).order_by(PublicNotice.id.desc())
    ).all()
    return render_template("reports/notice/index.html", notices=notices, form=FlaskForm())


@bp.route("/draft", methods=["POST"])
@require("reports.write")
def make_draft():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    draft = notice.make_draft(current_user)
    return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)


def _conflict(draft: PublicNotice, form: NoticeForm):
    """Someone saved (or published) the draft meanwhile: show theirs beside what was typed."""
    return render_template(
        "reports/notice/conflict.html",
        notice=draft,
        parts=notice.parts_of(draft),
        form=form,
        mine={k: request.form.get(f"problem-{k}", "") for k in notice.parts_of(draft)["problems"]},
    ), CONFLICT


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@require("reports.write")
def edit(notice_id: int):
    draft = _notice(notice_id)
    if draft.state != NoticeState.DRAFT:
        return redirect(url_for("reports.notice.show", notice_id=draft.id), 303)
    parts = notice.parts_of(draft)
    form = NoticeForm(data={**{k: parts[k] for k in notice.TEXT_PARTS}, "version": draft.version})
    if form.validate_on_submit():
        problems = {
            code: request.form[f"problem-{code}"].strip()
            for code in parts["problems"]
            if f"problem-{code}" in request.form  # a part not sent is left as it is
        }
        try:
            version = int(form.version.data)
        except (TypeError, ValueError):
            abort(400)
        try:
            notice.update(draft, version, {k: form[k].data.strip() for k in notice.TEXT_PARTS}, problems, current_user)
        except notice.VersionConflict:
            return _conflict(draft, form)
        flash(_("The draft is saved."), "success")
        return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)
    status = UNPROCESSABLE if form.errors else 200
    return render_template(
        "reports/notice/edit.html", notice=draft, parts=parts, form=form, publish=PublishForm(version=draft.version)
    ), status


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
        flash(_("The draft was changed by someone else meanwhile: read it again before publishing."), "error")
        return redirect(url_for("reports.notice.edit", notice_id=draft.id), 303)
    flash(_("The notice is published."), "success")
    return redirect(url_for("reports.notice.show", notice_id=draft.id), 303)


@bp.route("/<int:notice_id>")
@require("reports.view")
def show(notice_id: int):
    item = _notice(notice_id)
    return render_template("reports/notice/show.html", notice=item, parts=notice.parts_of(item), cn_date=cn_date)


@bp.route("/<int:notice_id>/print")
@require("reports.view")
def print_view(notice_id: int):
    item = _notice(notice_id)
    return render_template("reports/notice/print.html", notice=item, parts=notice.parts_of(item), cn_date=cn_date)


@bp.route("/<int:notice_id>.docx")
@require("reports.view")
def docx(notice_id: int):
    item = _notice(notice_id)
    data = notice.notice_docx(notice.parts_of(item), item.published_on)
    return send_file(BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=f"整改情况通报-{item.id}.docx", max_age=0)

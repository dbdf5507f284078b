"""Runs: the patrols home (open and recent runs, start one), the run page, its scan and
answer posts, and the photos of its answers."""

from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.patrols import checklists, findings, phone_time, routes, runs, slots
from modules.patrols.errors import PatrolError
from modules.patrols.forms import ScanForm, StartForm
from modules.patrols.models import Answer, Checklist, Finding, Route, Run, Scan
from modules.patrols.views import bp, repeat
from parkops import attachments, idempotency
from parkops.attachments import Attachment
from parkops.auth.access import get_for_site, public, require, signed_in, site_filter
from parkops.extensions import db

RECENT = 30  # runs listed on the patrols home


def _start_form() -> StartForm:
    form = StartForm()
    form.checklist_id.choices = [
        (c.id, f"{c.site.code} {c.name}")
        for c in checklists.visible_checklists()
        if c.version_count
    ]
    form.route_id.choices = [(r.id, f"{r.site.code} {r.name}") for r in routes.visible_routes()]
    return form


@bp.route("/patrols/")
@require("patrols.view", "patrols.run", "patrols.patrol")
def index(form: StartForm | None = None, status: int = 200):
    mine = db.session.scalars(
        select(Run)
        .where(Run.inspector_id == current_user.id, Run.submitted_at.is_(None))
        .order_by(Run.started_at.desc())
    ).all()
    recent = []
    if current_user.can("patrols.view"):
        recent = db.session.scalars(
            select(Run)
            .where(site_filter(Run.site_id), Run.submitted_at.is_not(None))
            .order_by(Run.submitted_at.desc())
            .limit(RECENT)
        ).all()
    due = []  # a crew's own slots still to start today, each with its Start button
    if current_user.can("patrols.patrol") and not current_user.can("patrols.run"):
        due = slots.open_slots(current_user)
    page = render_template(
        "patrols/runs/index.html",
        open_runs=mine,
        recent=recent,
        form=form or _start_form(),
        may_start=current_user.can("patrols.run"),
        may_patrol=current_user.can("patrols.run") or current_user.can("patrols.patrol"),
        due_slots=due,
    )
    return page, status


@bp.route("/patrols/runs", methods=["POST"])
@require("patrols.run", "patrols.patrol")
def run_start():
    if done := repeat():
        return done
    form = _start_form()  # a crew may start only its own open slot (runs.start_run)
    if form.validate():
        checklist = get_for_site(Checklist, form.checklist_id.data)
        route = get_for_site(Route, form.route_id.data)
        try:
            key = request.form.get(idempotency.FIELD)
            started_at = form.client_started_at()
            run = runs.start_run(checklist, route, current_user, key, started_at)
            flash(_("Patrol run started."), "success")
            return redirect(url_for("patrols.run", run_id=run.id), 303)
        except PatrolError as refused:
            form.route_id.errors = [str(refused)]
    return index(form, 422)


def _run_or_404(run_id: int) -> Run:
    run = get_for_site(Run, run_id)
    if not runs.may_see(current_user, run):
        abort(404)
    return run


def _page(run: Run, scan_form: ScanForm | None = None, error: str = "", status: int = 200):
    answers = {
        a.item_id: a for a in db.session.scalars(select(Answer).where(Answer.run_id == run.id))
    }
    scans = {
        s.checkpoint_id: s for s in db.session.scalars(select(Scan).where(Scan.run_id == run.id))
    }
    page = render_template(
        "patrols/runs/run.html",
        run=run,
        answers=answers,
        scans=scans,
        photos=runs.photo_count([a.id for a in answers.values()]),
        score=runs.score(run, answers),
        may_run=runs.may_run(current_user, run),
        differs=phone_time.differs,
        scan_form=scan_form or ScanForm(formdata=None),
        run_findings=db.session.scalars(
            select(Finding)
            .where(Finding.run_id == run.id)
            .options(selectinload(Finding.reactions))  # what other modules did, one query
            .order_by(Finding.id)
        ).all(),
        error=error,
    )
    return page, status


@bp.route("/patrols/runs/<int:run_id>")
@require("patrols.view", "patrols.run", "patrols.patrol")
def run(run_id: int):
    return _page(_run_or_404(run_id))


def _started_or_404(key: str) -> Run:
    """The user's run a phone started offline with ``key`` (its queued posts name it so)."""
    found = db.session.scalar(select(Run).where(Run.start_key == key[:64]))
    if found is None or found.inspector_id != current_user.id:
        abort(404)
    return found


@bp.route("/patrols/runs/<int:run_id>/scan", methods=["POST"])
@require("patrols.run", "patrols.patrol")
def run_scan(run_id: int):
    return _scan_post(_run_or_404(run_id))


@bp.route("/patrols/runs/started/<key>/scan", methods=["POST"])
@require("patrols.run", "patrols.patrol")
def started_run_scan(key: str):
    return _scan_post(_started_or_404(key))


def _scan_post(found: Run):
    if done := repeat():
        return done
    form = ScanForm()
    if form.validate():
        try:
            key = request.form.get(idempotency.FIELD)
            made_at = phone_time.from_ms(request.form.get(phone_time.FIELD))
            runs.scan(found, form.scanned.data, current_user, form.location(), key, made_at)
            return redirect(url_for("patrols.run", run_id=found.id), 303)
        except PatrolError as refused:
            form.scanned.errors = [str(refused)]
    return _page(found, form, status=422)


def _inputs() -> dict[int, runs.AnswerInput]:
    """The posted answers by item id: ``a<id>`` value, ``n<id>`` note, ``p<id>`` photos."""
    ids = {
        int(name[1:])
        for name in [*request.form, *request.files]
        if name[:1] in "anp" and name[1:].isdigit()
    }
    return {
        i: runs.AnswerInput(
            value=request.form.get(f"a{i}", ""),
            note=request.form.get(f"n{i}", ""),
            photos=[f for f in request.files.getlist(f"p{i}") if f and f.filename],
        )
        for i in ids
    }


@bp.route("/patrols/runs/<int:run_id>/answers", methods=["POST"])
@require("patrols.run", "patrols.patrol")
def run_answers(run_id: int):
    return _answers_post(_run_or_404(run_id))


@bp.route("/patrols/runs/started/<key>/answers", methods=["POST"])
@require("patrols.run", "patrols.patrol")
def started_run_answers(key: str):
    return _answers_post(_started_or_404(key))


def _answers_post(found: Run):
    if done := repeat():
        return done
    try:
        key = request.form.get(idempotency.FIELD)
        submit = "submit" in request.form
        note = request.form.get("note", "")
        made_at = phone_time.from_ms(request.form.get(phone_time.FIELD))
        runs.save_answers(found, _inputs(), note, current_user, key, submit, made_at)
        return redirect(url_for("patrols.run", run_id=found.id), 303)
    except PatrolError as refused:
        return _page(db.session.get(Run, found.id), error=str(refused), status=422)


@bp.route("/patrols/evidence/runs/<int:id>")
@require("patrols.view")
def run_evidence(id: int):  # noqa: A002  (the ledger links evidence by ``id``)
    return redirect(url_for("patrols.run", run_id=id), 303)


@bp.route("/patrols/evidence/findings/<int:id>")
@signed_in
def finding_evidence(id: int):  # noqa: A002
    return redirect(url_for("patrols.finding", finding_id=id), 303)


@bp.route("/patrols/sw.js")
@public
def service_worker():
    """The service worker, served under /patrols/ so that its scope is /patrols/ (a
    static file: no data, so no sign-in; never cached by the browser's HTTP cache)."""
    folder = Path(current_app.static_folder) / "js"
    response = send_from_directory(folder, "patrols-sw.js", mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/patrols/photos/<int:attachment_id>")
@signed_in
def photo(attachment_id: int):
    """A photo of an answer, a finding or its fix, to whoever may see that record (404
    otherwise, as for a photo that does not exist)."""
    found = db.session.get(Attachment, attachment_id) or abort(404)
    if found.owner_kind == runs.PHOTO_ANSWER:
        answer = db.session.get(Answer, found.owner_id) or abort(404)
        run = db.session.get(Run, answer.run_id)
        about = db.session.scalars(select(Finding).where(Finding.answer_id == answer.id)).all()
        if not (
            runs.may_see(current_user, run) or any(findings.may_see(current_user, f) for f in about)
        ):
            abort(404)
    elif found.owner_kind in (findings.PHOTO_FINDING, findings.PHOTO_FIX):
        finding = db.session.get(Finding, found.owner_id)
        if finding is None or not findings.may_see(current_user, finding):
            abort(404)
    else:
        abort(404)
    return attachments.send(found, thumbnail=request.args.get("thumb") == "1")

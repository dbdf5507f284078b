"""Findings: the list, a new observation, one finding with its follow-up (assign, fix,
verify). Who sees what is ``findings.may_see`` / ``visible_filter``."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import joinedload

from modules.patrols import findings
from modules.patrols.errors import PatrolError
from modules.patrols.forms import AssignForm, FindingForm, FixForm, VerifyForm
from modules.patrols.models import Finding, Run, Severity
from modules.patrols.views import bp, repeat, site_choices
from parkops import idempotency, labels, people, subjects
from parkops.attachments import Attachment
from parkops.auth.access import check_site, get_for_site, require, signed_in
from parkops.auth.models import User
from parkops.extensions import db
from parkops.query_args import int_arg
from parkops.timeutil import business_day

PER_PAGE = 50
STATES = ("open", "overdue", "all")


def people_at(site_id: int | None) -> list[tuple[int, str]]:
    """Active users working at the site (None: at the current user's sites), for the
    person, owner and assignee pickers; first (0, "—"): nobody."""
    where = people.seeing(current_user.site_ids if site_id is None else [site_id])
    query = select(User).where(User.active, where).order_by(User.display_name)
    return [(0, "—")] + [(u.id, u.display_name or u.username) for u in db.session.scalars(query)]


@bp.route("/patrols/findings")
@signed_in
def finding_list():
    """The findings, newest first, PER_PAGE a page by keyset: ``?before=<id>`` the ones
    recorded before that finding (the "Older" link: the last row shown), ``?after=<id>``
    the ones after it (the "Newer" link: the first row shown). Every page costs what the
    first does, however deep; a cursor that names no finding the user may see starts
    from the newest."""
    state = request.args.get("state", "open")
    state = state if state in STATES else "open"
    query = select(Finding).where(findings.visible_filter(current_user))
    if state == "open":
        query = query.where(Finding.state != "verified")
    elif state == "overdue":
        query = query.where(findings.overdue_filter(business_day()))
    mine = request.args.get("mine") == "1"  # the follow-ups the user owns (the home's to-do)
    if mine:
        query = query.where(Finding.owner_id == current_user.id)
    before, after = int_arg("before"), int_arg("after")
    rows = _page(query, after, newer=True) if after is not None else []
    if rows:  # read oldest first from the cursor up; shown newest first
        newer, older = len(rows) > PER_PAGE, True
        rows = rows[:PER_PAGE][::-1]
    else:  # older than ``before``, or from the newest (no newer one after ``after``)
        rows = _page(query, before)
        if before is not None and not rows:  # a cursor naming no finding (or the oldest)
            before, rows = None, _page(query, None)
        newer, older = before is not None, len(rows) > PER_PAGE
        rows = rows[:PER_PAGE]
    return render_template(
        "patrols/findings/list.html",
        rows=rows,
        newer=newer and bool(rows),
        older=older and bool(rows),
        state=state,
        mine=mine,
        today=business_day(),
    )


def _page(query, cursor: int | None, newer: bool = False) -> list[Finding]:
    """PER_PAGE + 1 findings of ``query`` next to finding ``cursor`` (None: from the newest)
    along (recorded, id): older ones newest first, or ``newer`` ones oldest first. The
    cursor's time is read in the same statement, along the (recorded, id) index; only
    of a finding the user may see (another's time would be bounded by the rows shown)."""
    key = tuple_(Finding.recorded_at, Finding.id)
    if cursor is not None:
        seen = findings.visible_filter(current_user)
        mark = select(Finding.recorded_at).where(Finding.id == cursor, seen).scalar_subquery()
        query = query.where(key > tuple_(mark, cursor) if newer else key < tuple_(mark, cursor))
    order = (Finding.recorded_at, Finding.id)
    if not newer:
        order = tuple(c.desc() for c in order)
    return list(
        db.session.scalars(
            query.options(joinedload(Finding.owner), joinedload(Finding.person))
            .order_by(*order)
            .limit(PER_PAGE + 1)
        )
    )


def _finding_or_404(finding_id: int) -> Finding:
    found = db.session.get(Finding, finding_id) or abort(404)
    if not findings.may_see(current_user, found):
        abort(404)
    return found


def _subject(form: FindingForm) -> subjects.Subject | None:
    """The place named on the form; PatrolError when the name fits none or several."""
    kind, text = form.subject_kind.data, (form.subject_text.data or "").strip()
    if not kind or not text:
        return None
    picked = form.subject_id.data or ""
    if picked.isdigit():  # chosen in the picker: taken while the text is still its label
        chosen = subjects.resolve(kind, int(picked), current_user)
        if chosen is not None and chosen.label == text:
            return chosen
    found = subjects.search(kind, text, current_user, 6)
    exact = [s for s in found if s.label == text or s.label.split(" ", 1)[0] == text]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise PatrolError(_("No place matches “%(text)s”.", text=text))
    names = "; ".join(s.label for s in found[:5])
    raise PatrolError(_("Several places match: %(names)s. Name one exactly.", names=names))


def _new_form(site_id: int) -> FindingForm:
    form = FindingForm()
    form.severity.choices = [(s.value, labels.label(s)) for s in Severity]
    kinds = current_app.extensions["parkops"].subjects
    form.subject_kind.choices = [("", "—")] + [(k, str(v.label)) for k, v in kinds.items()]
    form.person_id.choices = form.owner_id.choices = people_at(site_id)
    return form


@bp.route("/patrols/findings/new", methods=["GET", "POST"])
@require("patrols.run")
def finding_new():
    """A free observation, during a run (``?run=``) or at a site (``?site=``)."""
    run = get_for_site(Run, int_arg("run") or 0) if "run" in request.args else None
    site_id = run.site_id if run else int_arg("site")
    if site_id is None:
        choices = site_choices()
        if len(choices) != 1:
            return render_template("patrols/findings/pick_site.html", sites=choices)
        site_id = choices[0][0]
    check_site(site_id)
    if done := repeat():
        return done
    form = _new_form(site_id)
    if run and not form.is_submitted():
        form.subject_kind.data = "patrols.checkpoint"
    status = 200
    if form.is_submitted():
        valid, subject = form.validate(), None
        if valid:
            try:
                subject = _subject(form)
            except PatrolError as refused:  # under the place's field, where it was typed
                form.subject_text.errors = [*form.subject_text.errors, str(refused)]
                valid = False
        if valid:
            try:
                people = {
                    u.id: u
                    for u in db.session.scalars(
                        select(User).where(User.id.in_([form.person_id.data, form.owner_id.data]))
                    )
                }
                data = findings.FindingData(
                    summary=form.summary.data,
                    severity=Severity(form.severity.data),
                    subject=subject,
                    person=people.get(form.person_id.data),
                    owner=people.get(form.owner_id.data),
                    deadline=form.deadline.data,
                    photos=[f for f in request.files.getlist("photos") if f and f.filename],
                )
                key = request.form.get(idempotency.FIELD)
                made = findings.record_finding(site_id, data, current_user, key, _url_of, run=run)
                flash(_("Patrol finding recorded."), "success")
                return redirect(_url_of(made), 303)
            except PatrolError as refused:
                form.summary.errors = [*form.summary.errors, str(refused)]
        status = 422
    page = render_template("patrols/findings/new.html", form=form, run=run, site_id=site_id)
    return page, status


def _url_of(finding: Finding) -> str:
    return url_for("patrols.finding", finding_id=finding.id)


def _photos(finding: Finding) -> dict[str, list[Attachment]]:
    owners = [(findings.PHOTO_FINDING, finding.id), (findings.PHOTO_FIX, finding.id)]
    if finding.answer_id:
        owners.append(("patrols.answer", finding.answer_id))
    found: dict[str, list[Attachment]] = {"found": [], "fix": []}
    query = select(Attachment).where(
        or_(*[(Attachment.owner_kind == k) & (Attachment.owner_id == i) for k, i in owners])
    )
    for a in db.session.scalars(query.order_by(Attachment.id)):
        found["fix" if a.owner_kind == findings.PHOTO_FIX else "found"].append(a)
    return found


@bp.route("/patrols/findings/<int:finding_id>")
@signed_in
def finding(finding_id: int, error: str = "", status: int = 200):
    found = _finding_or_404(finding_id)
    assign_form = AssignForm(
        formdata=None, owner_id=found.owner_id, deadline=found.deadline, shown_owner=found.owner_id
    )
    assign_form.owner_id.choices = people_at(found.site_id)[1:]
    where = (
        subjects.resolve(found.subject_kind, found.subject_id, current_user)
        if found.subject_id
        else None
    )
    page = render_template(
        "patrols/findings/finding.html",
        finding=found,
        where=where,
        photos=_photos(found),
        may_assign=found.state != "verified" and findings.may_record(current_user, found.site_id),
        may_fix=findings.may_fix(current_user, found),
        may_verify=findings.may_verify(current_user, found),
        assign_form=assign_form,
        fix_form=FixForm(formdata=None),
        verify_form=VerifyForm(formdata=None),
        overdue=found.deadline is not None and found.deadline < business_day(),
        error=error,
    )
    return page, status


def _act(finding_id: int, action, done: str):
    """Run ``action(finding)``; on success flash ``done`` (a confirmation)."""
    found = _finding_or_404(finding_id)
    try:
        action(found)
    except PatrolError as refused:
        return finding(finding_id, error=str(refused), status=422)
    flash(done, "success")
    return redirect(_url_of(found), 303)


@bp.route("/patrols/findings/<int:finding_id>/assign", methods=["POST"])
@require("patrols.run")
def finding_assign(finding_id: int):
    form = AssignForm()
    form.owner_id.choices = [(int(request.form.get("owner_id", 0) or 0), "")]
    if not form.validate():
        past = form.deadline.data is not None and form.deadline.errors
        error = past[0] if past else _("Choose an owner and a deadline.")
        return finding(finding_id, error=str(error), status=422)
    owner = db.session.get(User, form.owner_id.data) or abort(422)
    shown = int(form.shown_owner.data) if (form.shown_owner.data or "").isdigit() else None
    return _act(
        finding_id,
        lambda f: findings.assign(f, owner, form.deadline.data, current_user, shown),
        _("Follow-up assigned."),
    )


@bp.route("/patrols/findings/<int:finding_id>/fix", methods=["POST"])
@signed_in
def finding_fix(finding_id: int):
    form = FixForm()
    form.validate()
    photos = [f for f in request.files.getlist("photos") if f and f.filename]
    return _act(
        finding_id,
        lambda f: findings.fix(f, form.note.data or "", photos, current_user),
        _("Fix recorded: it waits for verification by someone else."),
    )


@bp.route("/patrols/findings/<int:finding_id>/verify", methods=["POST"])
@require("patrols.view")
def finding_verify(finding_id: int):
    form = VerifyForm()
    form.validate()
    accepted = "accept" in request.form
    return _act(
        finding_id,
        lambda f: findings.verify(f, accepted, form.note.data or "", current_user),
        _("Fix verified.") if accepted else _("Fix sent back."),
    )

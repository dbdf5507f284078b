"""Patrol runs (巡查记录): start, scan checkpoints, answer items, submit.

A run walks one checklist version along one route. Scanning a checkpoint
records proof of presence (到岗证明: time, and the phone's location when the
browser gave it); a checkpoint of another route is refused. Answers can be
saved many times (a partial run is kept); submitting checks that every
checkpoint was reached and every item answered, then locks the run.
Each service takes the form's idempotency key and remembers it beside what it
wrote (parkops/idempotency.py).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from modules.patrols import findings, phone_time, schedules
from modules.patrols.errors import PatrolError
from modules.patrols.models import (
    Answer,
    AnswerType,
    Checklist,
    ChecklistItem,
    Checkpoint,
    Route,
    Run,
    Scan,
)
from modules.patrols.routes import (
    checkpoint_by_code,
    checkpoint_by_token,
    label_trouble,
    token_from,
)
from parkops import audit, idempotency
from parkops.attachments import Attachment, AttachmentError, store_photo
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import utcnow

EVIDENCE_RUN = "patrols.run"  # the ledger's evidence kind of a submitted run
PHOTO_ANSWER = "patrols.answer"  # attachments' owner_kind: a photo of one answer
MAX_PHOTOS = 4  # per answer
MAX_NUMBER = 10**12  # a numeric answer: below a trillion, at most NUMBER_DECIMALS decimals
NUMBER_DECIMALS = 6


@dataclass
class AnswerInput:
    """What a phone posted for one item: ``value`` "pass"/"fail", a number, a choice or
    text ("" leaves a saved answer as it is), a note, photos."""

    value: str = ""
    note: str = ""
    photos: list[FileStorage] = field(default_factory=list)


def may_run(user: User, run: Run) -> bool:
    """Only the inspector (or crew member) who started a run works on it, and only until
    it is submitted."""
    runs_patrols = user.can("patrols.run") or user.can("patrols.patrol")
    return runs_patrols and run.inspector_id == user.id and not run.submitted


def may_see(user: User, run: Run) -> bool:
    return user.can_see_site(run.site_id) and (
        user.can("patrols.view") or run.inspector_id == user.id
    )


def _remember(key: str | None, run: Run, user: User) -> None:
    """Store the form's key with the run page it led to (no key, as from the demo: nothing)."""
    if key:
        idempotency.remember(key, url_for("patrols.run", run_id=run.id), user.id)


def start_run(
    checklist: Checklist,
    route: Route,
    user: User,
    key: str | None = None,
    started_at: datetime | None = None,
) -> Run:
    """A new run of the checklist's current version along ``route``; it fulfils the
    scheduled slot open when it started for that checklist and route, if any.

    ``started_at`` (UTC) is when a phone started it offline (None: now; bounded by
    ``phone_time.bounded``: refused ahead of the server's clock or a day old); ``key``
    then also names the run for the scans and answers the phone queued after it
    (``Run.start_key``).

    PatrolError when the user may not run patrols at the route's site, the
    checklist belongs to another site or has no version, or the user is a crew
    member (``patrols.patrol`` only) and no slot of theirs or their team's is open.
    """
    try:
        now = utcnow()
        offline, started_at = started_at is not None, phone_time.bounded(started_at, now)
        crew_only = not user.can("patrols.run")
        if crew_only and not user.can("patrols.patrol") or not user.can_see_site(route.site_id):
            raise PatrolError(_("You may not run patrols at this site."))
        version = checklist.current_version
        if checklist.site_id != route.site_id or version is None:
            raise PatrolError(_("This checklist is not used on this route's site."))
        schedule, due = schedules.slot_for_run(checklist, route, started_at)
        if crew_only and not (schedule and schedules.is_assigned(user, schedule)):
            raise PatrolError(_("No patrol of yours is due now on this route."))
        run = Run(
            site_id=route.site_id,
            version_id=version.id,
            route_id=route.id,
            inspector_id=user.id,
            schedule_id=schedule.id if schedule else None,
            due_at=due,
            started_at=started_at,
            start_received_at=now,
            start_key=key if offline else None,
        )
        db.session.add(run)
        db.session.flush()
    except PatrolError:
        db.session.rollback()
        raise
    _remember(key, run, user)
    db.session.commit()
    return run


def _refuse_unless_open(run: Run, user: User) -> None:
    if run.submitted:
        raise PatrolError(_("This run is submitted and locked."))
    if not may_run(user, run):
        raise PatrolError(_("Only the inspector who started this run may work on it."))


def scan(
    run: Run,
    scanned: str,
    user: User,
    location: tuple[float, float, float | None] | None = None,
    key: str | None = None,
    made_at: datetime | None = None,
) -> Checkpoint:
    """Record that ``user`` reached the checkpoint whose label read ``scanned`` (its scan
    URL or token, or the code printed on it, typed when the camera fails); ``location``
    is (latitude, longitude in degrees, accuracy in metres); ``made_at``
    (UTC) when the phone scanned it (``phone_time.in_run``; None: now).

    A checkpoint scanned again keeps its first scan. PatrolError when the run is
    locked or not the user's, the label is unknown or of another route, or the
    phone's time is refused.
    """
    try:
        _refuse_unless_open(run, user)
        now = utcnow()
        scanned_at = phone_time.in_run(made_at, run.started_at, now)
        token = token_from(scanned)
        checkpoint = checkpoint_by_token(token) or checkpoint_by_code(scanned, run.route_id)
        if checkpoint is None or checkpoint.removed_at is not None:
            trouble = label_trouble(checkpoint.token if checkpoint else token)
            raise PatrolError(trouble or _("This is not a checkpoint label."))
        if checkpoint.route_id != run.route_id:
            raise PatrolError(
                _("%(point)s is on another route, not on this run's.", point=checkpoint.name)
            )
        known = db.session.scalar(
            select(Scan).where(Scan.run_id == run.id, Scan.checkpoint_id == checkpoint.id)
        )
        if known is None:
            lat, lon, accuracy = location or (None, None, None)
            db.session.add(
                Scan(
                    run_id=run.id,
                    checkpoint_id=checkpoint.id,
                    latitude=lat,
                    longitude=lon,
                    accuracy_m=accuracy,
                    scanned_at=scanned_at,
                    received_at=now,
                    position=checkpoint.position,
                    code=checkpoint.code,
                    name=checkpoint.name,
                )
            )
    except PatrolError:
        db.session.rollback()
        raise
    _remember(key, run, user)
    db.session.commit()
    return checkpoint


def _parse(item: ChecklistItem, value: str) -> tuple[bool | None, str]:
    """(passed, value) to store for a non-empty posted value; PatrolError when it does not fit."""
    if item.answer_type == AnswerType.PASS_FAIL:
        if value not in ("pass", "fail"):
            raise PatrolError(_("“%(item)s”: answer pass or fail.", item=item.text))
        return value == "pass", ""
    if item.answer_type == AnswerType.NUMBER:
        try:
            number = Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise PatrolError(_("“%(item)s”: write a number.", item=item.text))
        # Decimal reads 1e400 as finite: keep to what a reading can be, written out plainly.
        if abs(number) >= MAX_NUMBER or number.as_tuple().exponent < -NUMBER_DECIMALS:
            raise PatrolError(
                _(
                    "“%(item)s”: write a number below a trillion, with at most 6 decimals.",
                    item=item.text,
                )
            )
        if number < 0 and not item.allows_negative:
            raise PatrolError(_("“%(item)s”: a quantity cannot be below 0.", item=item.text))
        return None, format(number, "f")
    if item.answer_type == AnswerType.CHOICE and value not in item.choice_list:
        raise PatrolError(_("“%(item)s”: pick one of the choices.", item=item.text))
    return None, value.strip()[:200]


def save_answers(
    run: Run,
    inputs: dict[int, AnswerInput],
    note: str,
    user: User,
    key: str | None = None,
    submit: bool = False,
    made_at: datetime | None = None,
) -> Run:
    """Save the posted answers (by item id) and the run's note; with ``submit``, then
    check the run is complete, lock it and turn its failed items into findings.
    ``made_at`` (UTC): when the phone saved or submitted them (``phone_time.in_run``;
    None: now); the answers and the submission are stored at that time.

    PatrolError (nothing stored) when the run is locked or not the user's, the
    phone's time is refused, an answer does not fit its item or a photo is refused;
    PatrolError with the answers and note saved (the run stays open) on submit when
    a checkpoint is not reached, an item unanswered or a photo item has no photo.
    """
    try:
        _refuse_unless_open(run, user)
        now = utcnow()
        made = phone_time.in_run(made_at, run.started_at, now)
        items = {i.id: i for i in run.version.items}
        saved = {
            a.item_id: a for a in db.session.scalars(select(Answer).where(Answer.run_id == run.id))
        }
        for item_id, posted in inputs.items():
            item = items.get(item_id)
            if item is None:
                continue  # an item of another version: not this run's question
            answer = saved.get(item_id)
            if posted.value.strip() or (item.answer_type == AnswerType.PHOTO and posted.photos):
                passed, value = _parse(item, posted.value.strip())
                if answer is None:
                    answer = saved[item_id] = Answer(run_id=run.id, item_id=item_id)
                    db.session.add(answer)
                answer.passed, answer.value = passed, value
                answer.answered_at, answer.received_at = made, now
            if answer is not None:
                answer.note = posted.note.strip()
                db.session.flush()
                _attach(answer, posted.photos, item, user)
        run.note = note.strip()
        if submit:
            db.session.flush()
            missing = incomplete(run)
            if missing:
                db.session.commit()  # the answers are kept, as the save button does
                raise PatrolError(_("Not ready to submit: %(what)s.", what="; ".join(missing)))
            run.submitted_at, run.submit_received_at = made, now
            found = findings.failed_items_to_findings(run, user)
            summary = f"{run.version.checklist.name} · {run.route.name}"
            link_evidence(EVIDENCE_RUN, run.id, summary, site_id=run.site_id)
            details = {"findings": found}
            audit.record("patrols.run_submitted", "patrol_run", run.id, details, actor=user)
    except (PatrolError, AttachmentError) as refused:
        db.session.rollback()
        raise PatrolError(str(refused)) from refused
    _remember(key, run, user)
    db.session.commit()
    return run


def _attach(answer: Answer, uploads: list[FileStorage], item: ChecklistItem, user: User) -> None:
    if not uploads:
        return
    if photo_count([answer.id]).get(answer.id, 0) + len(uploads) > MAX_PHOTOS:
        raise PatrolError(_("“%(item)s”: at most %(n)d photos.", item=item.text, n=MAX_PHOTOS))
    for upload in uploads:
        store_photo(upload, PHOTO_ANSWER, answer.id, user.id)


def photo_count(answer_ids: list[int]) -> dict[int, int]:
    """Photos per answer id (answers without photos left out); one query."""
    if not answer_ids:
        return {}
    rows = db.session.execute(
        select(Attachment.owner_id, func.count())
        .where(Attachment.owner_kind == PHOTO_ANSWER, Attachment.owner_id.in_(answer_ids))
        .group_by(Attachment.owner_id)
    )
    return {owner_id: count for owner_id, count in rows}


def incomplete(run: Run) -> list[str]:
    """What keeps ``run`` from being submitted, in words ([] when it is complete)."""
    scanned = set(db.session.scalars(select(Scan.checkpoint_id).where(Scan.run_id == run.id)))
    missing = [
        _("checkpoint %(name)s not reached", name=c.name)
        for c in run.route.checkpoints
        if c.id not in scanned
    ]
    answers = {
        a.item_id: a for a in db.session.scalars(select(Answer).where(Answer.run_id == run.id))
    }
    photos = photo_count([a.id for a in answers.values()])
    for item in run.version.items:
        answer = answers.get(item.id)
        if answer is None:
            missing.append(_("“%(item)s” not answered", item=item.text))
        elif item.answer_type == AnswerType.PHOTO and not photos.get(answer.id):
            missing.append(_("“%(item)s” needs a photo", item=item.text))
    return missing


def score(run: Run, answers: dict[int, Answer]) -> tuple[int, int]:
    """(weight passed, weight asked) over the run's pass/fail items answered so far."""
    asked = passed = 0
    for item in run.version.items:
        answer = answers.get(item.id)
        if item.answer_type == AnswerType.PASS_FAIL and answer is not None:
            asked += item.weight
            passed += item.weight if answer.passed else 0
    return passed, asked

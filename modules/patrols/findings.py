"""Findings (发现问题) and their follow-up (整改跟踪).

A finding comes from a failed item when its run is submitted, or is recorded as a
free observation. It names a subject (any kind the loaded modules offer), a
severity and, for a conduct finding, the staff member concerned (批评教育: seen
only by inspectors and leaders, ``patrols.view``, and that person). Recording
one sends ``signals.finding_recorded`` in the same transaction and keeps what the
reacting modules report. The follow-up: an owner and a deadline (a local date),
the owner's fix with a photo, and verification by someone who holds
``patrols.view`` and is neither the owner nor whoever fixed it.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.datastructures import FileStorage

from modules.patrols.errors import PatrolError
from modules.patrols.models import (
    Answer,
    ChecklistItem,
    Finding,
    FindingReaction,
    FindingState,
    Run,
    Scan,
    Severity,
)
from parkops import audit, deciding, idempotency, signals, subjects
from parkops.attachments import AttachmentError, store_photo
from parkops.audit import AuditEntry
from parkops.auth.access import site_filter
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day, utcnow

EVIDENCE_FINDING = "patrols.finding"  # the ledger's evidence kind of a finding
PHOTO_FINDING = "patrols.finding"  # attachments' owner_kind: the recorder's photos
PHOTO_FIX = "patrols.fix"  # the owner's photos of the fix
MAX_PHOTOS = 4


@dataclass
class FindingData:
    """A finding as typed: ``subject`` a resolved Subject or None; ``deadline`` local."""

    summary: str
    severity: Severity = Severity.NORMAL
    subject: subjects.Subject | None = None
    person: User | None = None
    owner: User | None = None
    deadline: date | None = None
    photos: list[FileStorage] = field(default_factory=list)


def may_see(user: User, finding: Finding) -> bool:
    """Inspectors and leaders at the site; the person concerned; the follow-up's owner."""
    if not user.can_see_site(finding.site_id):
        return False
    return user.can("patrols.view") or user.id in (finding.person_id, finding.owner_id)


def visible_filter(user: User):
    """The SQL twin of ``may_see`` (with ``site_filter``) for lists."""
    if user.can("patrols.view"):
        return site_filter(Finding.site_id)
    return site_filter(Finding.site_id) & or_(
        Finding.person_id == user.id, Finding.owner_id == user.id
    )


def may_record(user: User, site_id: int) -> bool:
    return user.can("patrols.run") and user.can_see_site(site_id)


def may_fix(user: User, finding: Finding) -> bool:
    return finding.state == FindingState.OPEN and finding.owner_id == user.id


def may_verify(user: User, finding: Finding) -> bool:
    """Someone else than the owner and the fixer, among inspectors and leaders."""
    return (
        finding.state == FindingState.FIXED
        and user.can("patrols.view")
        and user.can_see_site(finding.site_id)
        and user.id not in (finding.owner_id, finding.fixed_by_id)
    )


def _check_owner(data: FindingData) -> None:
    # A conduct finding stays among inspectors, leaders and the person: so does its owner.
    if data.person and data.owner and data.owner.id != data.person.id:
        if not data.owner.can("patrols.view"):
            raise PatrolError(
                _("A conduct finding's follow-up is owned by the person or a supervisor.")
            )


def _attach(uploads: list[FileStorage], kind: str, owner_id: int, user: User) -> None:
    if len(uploads) > MAX_PHOTOS:
        raise PatrolError(_("At most %(n)d photos.", n=MAX_PHOTOS))
    for upload in uploads:
        store_photo(upload, kind, owner_id, user.id)


def add_finding(
    site_id: int, data: FindingData, user: User, run: Run | None = None, answer_id=None
) -> Finding:
    """Add a finding in the caller's transaction, send the signal, keep the reactions.

    PatrolError when the summary is empty or the subject is at another site.
    """
    if not data.summary.strip():
        raise PatrolError(_("Say in a few words what was found."))
    if data.subject is not None and data.subject.site_id not in (None, site_id):
        raise PatrolError(_("That place is at another site."))
    _check_owner(data)
    finding = Finding(
        site_id=site_id,
        run_id=run.id if run else None,
        answer_id=answer_id,
        summary=data.summary.strip()[:300],
        subject_kind=data.subject.kind if data.subject else "",
        subject_id=data.subject.id if data.subject else None,
        subject_label=data.subject.label[:200] if data.subject else "",
        severity=data.severity,
        person_id=data.person.id if data.person else None,
        owner_id=data.owner.id if data.owner else None,
        deadline=data.deadline,
        recorded_by_id=user.id,
    )
    db.session.add(finding)
    db.session.flush()
    _attach(data.photos, PHOTO_FINDING, finding.id, user)
    if data.subject is not None:
        reactions = signals.send(
            signals.finding_recorded,
            sender="patrols",
            subject_kind=data.subject.kind,
            subject_id=data.subject.id,
            summary=finding.summary,
            severity=finding.severity.value,
            user=user,
        )
        for reaction in reactions:
            db.session.add(
                FindingReaction(
                    finding_id=finding.id, text=reaction.text[:300], url=_local_path(reaction.url)
                )
            )
    link_evidence(EVIDENCE_FINDING, finding.id, finding.summary, site_id=site_id)
    audit.record("patrols.finding_recorded", "patrol_finding", finding.id, {}, actor=user)
    return finding


def _local_path(url: str) -> str:
    """A reaction's link when it is a path of this installation ("/greening/…"), else ""
    (the page shows the text alone): no other site, no ``javascript:``."""
    ok = url.startswith("/") and not url.startswith("//") and "\\" not in url
    return url if ok and len(url) <= 500 else ""


def record_finding(
    site_id: int, data: FindingData, user: User, key: str | None, url_of, run: Run | None = None
) -> Finding:
    """A free observation (optionally during ``run``); ``url_of(finding)`` is where the
    form's idempotency key leads. PatrolError (nothing stored) when refused."""
    try:
        if not may_record(user, site_id):
            raise PatrolError(_("You may not record findings at this site."))
        finding = add_finding(site_id, data, user, run)
    except (PatrolError, AttachmentError) as refused:
        db.session.rollback()
        raise PatrolError(str(refused)) from refused
    if key:
        idempotency.remember(key, url_of(finding), user.id)
    db.session.commit()
    return finding


def assign(
    finding: Finding, owner: User, deadline: date, user: User, shown_owner_id: int | None
) -> None:
    """Give the follow-up an owner (at the finding's site) and a deadline (a local day,
    today or later). ``shown_owner_id``: the owner the page showed (None: nobody).
    PatrolError when refused; ``deciding.AlreadyDecided`` (who, when) when it was
    verified meanwhile or someone else assigned it since the page was shown (two
    supervisors at once: the second is refused, not silently overriding the first)."""
    try:
        if not (user.can("patrols.run") and user.can_see_site(finding.site_id)):
            raise PatrolError(_("You may not assign follow-ups here."))
        deciding.take(finding)
        if finding.state == FindingState.VERIFIED:
            raise _verified_already(finding)
        if finding.owner_id != shown_owner_id:
            last = _last_step(finding, "patrols.followup_assigned")
            raise deciding.AlreadyDecided(
                _(
                    "This follow-up was assigned meanwhile, to %(owner)s by %(name)s at "
                    "%(time)s: see it, then assign again if it still needs it.",
                    owner=_name(finding.owner),
                    **deciding.who_when(last.actor_id if last else None, last and last.at),
                )
            )
        if not owner.active or not owner.can_see_site(finding.site_id):
            raise PatrolError(_("The owner must work at the finding's site."))
        if deadline < business_day():
            raise PatrolError(_("The deadline cannot be in the past."))
        _check_owner(FindingData(finding.summary, person=finding.person, owner=owner))
        finding.owner_id, finding.deadline = owner.id, deadline
    except PatrolError:
        db.session.rollback()
        raise
    details = {"owner_id": owner.id, "deadline": deadline.isoformat()}
    audit.record("patrols.followup_assigned", "patrol_finding", finding.id, details, actor=user)
    db.session.commit()


def fix(finding: Finding, note: str, photos: list[FileStorage], user: User) -> None:
    """The owner's fix: a note and at least one photo. PatrolError when refused;
    ``deciding.AlreadyDecided`` (who, when) when it was fixed or verified meanwhile."""
    try:
        deciding.take(finding)
        _check_state(finding, FindingState.OPEN)
        if not may_fix(user, finding):
            raise PatrolError(_("Only the follow-up's owner marks it fixed, while it is open."))
        if not photos:
            raise PatrolError(_("Add a photo of the fix."))
        _attach(photos, PHOTO_FIX, finding.id, user)
        finding.state, finding.fix_note = FindingState.FIXED, note.strip()
        finding.fixed_by_id, finding.fixed_at = user.id, utcnow()
    except (PatrolError, AttachmentError) as refused:
        db.session.rollback()
        raise PatrolError(str(refused)) from refused
    audit.record("patrols.finding_fixed", "patrol_finding", finding.id, {}, actor=user)
    db.session.commit()


def verify(finding: Finding, accepted: bool, note: str, user: User) -> None:
    """Close the finding (``accepted``) or send it back to its owner with ``note``.

    ``deciding.AlreadyDecided`` (who, when) when it was verified or sent back already
    (said first: a second verifier learns who was quicker); PatrolError when it waits
    for its first fix, or the user is the owner or the fixer.
    """
    try:
        deciding.take(finding)
        _check_state(finding, FindingState.FIXED)
        if not may_verify(user, finding):
            raise PatrolError(_("Someone other than the owner verifies the fix."))
    except PatrolError:
        db.session.rollback()
        raise
    if accepted:
        finding.state, finding.verified_by_id = FindingState.VERIFIED, user.id
        finding.verified_at = utcnow()
    else:
        finding.state = FindingState.OPEN
    finding.verify_note = note.strip()
    action = "patrols.finding_verified" if accepted else "patrols.finding_sent_back"
    audit.record(action, "patrol_finding", finding.id, {}, actor=user)
    db.session.commit()


def _check_state(finding: Finding, wanted: FindingState) -> None:
    """``deciding.AlreadyDecided`` saying who did what when ``finding`` (taken) is not
    in ``wanted`` state: checked before any role rule, whose message would be a false
    reason. PatrolError when it still waits for its first fix."""
    if finding.state == wanted:
        return
    if finding.state == FindingState.VERIFIED:
        raise _verified_already(finding)
    if finding.state == FindingState.FIXED:
        raise deciding.AlreadyDecided(
            _(
                "This finding was already marked fixed, by %(name)s at %(time)s.",
                **deciding.who_when(finding.fixed_by, finding.fixed_at),
            )
        )
    sent_back = finding.fixed_by_id and _last_step(finding, "patrols.finding_sent_back")
    if sent_back:
        raise deciding.AlreadyDecided(
            _(
                "This fix was sent back already, by %(name)s at %(time)s.",
                **deciding.who_when(sent_back.actor_id, sent_back.at),
            )
        )
    raise PatrolError(_("This finding is waiting for its fix, not for verification."))


def _verified_already(finding: Finding) -> deciding.AlreadyDecided:
    return deciding.AlreadyDecided(
        _(
            "This finding was already verified, by %(name)s at %(time)s.",
            **deciding.who_when(finding.verified_by, finding.verified_at),
        )
    )


def _last_step(finding: Finding, action: str) -> AuditEntry | None:
    """The audit's latest ``action`` on ``finding``: who assigned it or sent it back,
    and when, which the finding itself does not keep."""
    return db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "patrol_finding",
            AuditEntry.object_id == finding.id,
            AuditEntry.action == action,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def _name(user: User | None) -> str:
    return user.display_name if user else "—"


def overdue_filter(today: date):
    """Open or fixed-but-unverified follow-ups whose deadline has passed."""
    return (Finding.state != FindingState.VERIFIED) & (Finding.deadline < today)


def failed_items_to_findings(run: Run, user: User) -> int:
    """At submission: a finding for each failed pass/fail item whose fail is a finding,
    at the checkpoint scanned last before the answer was saved (else the last scanned);
    returns how many."""
    from_runs = _failed(run)
    for answer, item, checkpoint in from_runs:
        where = subjects.resolve("patrols.checkpoint", checkpoint) if checkpoint else None
        summary = item.text + (f": {answer.note}" if answer.note else "")
        add_finding(run.site_id, FindingData(summary, subject=where), user, run, answer.id)
    return len(from_runs)


def _failed(run: Run) -> list:
    scans = db.session.execute(
        select(Scan.checkpoint_id, Scan.scanned_at)
        .where(Scan.run_id == run.id)
        .order_by(Scan.scanned_at)
    ).all()
    rows = db.session.execute(
        select(Answer, ChecklistItem)
        .join(ChecklistItem, Answer.item_id == ChecklistItem.id)
        .where(Answer.run_id == run.id, Answer.passed.is_(False), ChecklistItem.fail_is_finding)
        .order_by(ChecklistItem.position)
    ).all()
    out = []
    for answer, item in rows:
        before = [c for c, at in scans if at <= answer.answered_at]
        out.append((answer, item, (before or [c for c, _at in scans] or [None])[-1]))
    return out

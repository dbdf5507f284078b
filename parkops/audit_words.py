"""The audit log in words: what a person reads instead of the keys the code records.

``audit.record("ticketing.correction_requested", "correction", 7, {"kind": "deposit"})``
is read as "Correction requested · Correction 7 · Kind: Bank deposit". The core
declares its own actions, object types and detail keys here; each module declares
its own in its spec (``ModuleSpec.audit_actions``, ``audit_objects``,
``audit_details``). A detail key is looked up as ``"<action>:<key>"`` first (a key
whose meaning depends on the action), then as ``<key>``; a module setting's full
name (``settings.changed``) reads as the setting's description. A value is shown by
the detail's ``show`` (a person by name, an enum value by its label), else plainly.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from parkops.auth.models import ROLE_LABELS, Department, User
from parkops.extensions import db
from parkops.rectification.evidence import kind_label
from parkops.rectification.forms import STATUS_LABELS
from parkops.registry import AuditDetail, AuditObject


def plain(value) -> str:
    """A stored value as text: — for nothing, yes/no, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


def person(value) -> str:
    """A user id → the person's display name."""
    user = db.session.get(User, value) if isinstance(value, int) else None
    return user.display_name if user else plain(value)


def department(value) -> str:
    """A department id → its name."""
    found = db.session.get(Department, value) if isinstance(value, int) else None
    return found.name if found else plain(value)


def one_of(labels: Mapping) -> Callable[[object], str]:
    """Values stored as an enum's value (StrEnum members hash as their value) → labels;
    a list or a dict keyed by such values is shown member by member."""

    def show(value) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{show(k)}: {plain(v)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(show(v) for v in value) or "—"
        return str(labels[value]) if value in labels else plain(value)

    return show


def count(value) -> str:
    """A list shown by its length (its items are internal keys)."""
    return str(len(value)) if isinstance(value, list) else plain(value)


def _evidence_kind(value) -> str:
    return kind_label(value) if isinstance(value, str) else plain(value)


ACTIONS: dict[str, str | LazyString] = {
    "auth.login": _l("Signed in"),
    "auth.logout": _l("Signed out"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.login_locked": _l("Sign-in refused: too many failures"),
    "auth.password_changed": _l("Changed own password"),
    "admin.user_created": _l("Account created"),
    "admin.user_updated": _l("Account changed"),
    "admin.user_reactivated": _l("Account reactivated"),
    "admin.user_deactivated": _l("Account deactivated"),
    "admin.user_password_reset": _l("Password reset"),
    "admin.site_created": _l("Site created"),
    "admin.site_updated": _l("Site changed"),
    "admin.site_reactivated": _l("Site reactivated"),
    "admin.site_deactivated": _l("Site deactivated"),
    "admin.department_created": _l("Department created"),
    "admin.department_updated": _l("Department renamed"),
    "admin.department_reactivated": _l("Department reactivated"),
    "admin.department_deactivated": _l("Department deactivated"),
    "settings.changed": _l("Settings changed"),
    "demo.loaded": _l("Demo data loaded"),
    "ledger.notice_loaded": _l("Inspection notice loaded"),
    "ledger.problem_updated": _l("Problem changed"),
    "ledger.self_found_added": _l("Self-found problem added"),
    "ledger.measure_added": _l("Measure added"),
    "ledger.measure_updated": _l("Measure changed"),
    "ledger.regulation_added": _l("Regulation added"),
    "ledger.regulation_updated": _l("Regulation changed"),
    "ledger.report_added": _l("Progress report added"),
    "ledger.evidence_mapping_set": _l("Evidence linked to other problems"),
    "ledger.evidence_mapping_reset": _l("Evidence links back to their defaults"),
    "ledger.recurrence_reopened": _l("Problem reopened: at risk of recurring"),
    "ledger.recurrence_kept": _l("Problem kept completed despite an indicator"),
}

# Actions whose details hold each changed field as [before, after].
CHANGED = frozenset(
    {
        "ledger.problem_updated",
        "ledger.measure_updated",
        "ledger.regulation_updated",
        "ledger.evidence_mapping_set",
        "ledger.evidence_mapping_reset",
    }
)

OBJECTS: dict[str, AuditObject] = {
    "user": AuditObject(_l("Account"), "admin.edit_user", "user_id"),
    "site": AuditObject(_l("Site"), "admin.edit_site", "site_id"),
    "department": AuditObject(_l("Department"), "admin.edit_department", "department_id"),
    "module": AuditObject(_l("Module settings")),
    "installation": AuditObject(_l("Installation")),
    "ledger": AuditObject(_l("Rectification ledger")),
    "problem": AuditObject(_l("Problem"), "rectification.problem", "problem_id"),
    "measure": AuditObject(_l("Measure"), "rectification.edit.edit_measure", "measure_id"),
    "regulation": AuditObject(
        _l("Regulation"), "rectification.edit.edit_regulation", "regulation_id"
    ),
    "progress_report": AuditObject(_l("Progress report")),
    "evidence_kind": AuditObject(_l("Kind of evidence")),
}

DETAILS: dict[str, AuditDetail] = {
    "ip": AuditDetail(_l("Address")),
    "username": AuditDetail(_l("Username")),
    "display_name": AuditDetail(_l("Name")),
    "email": AuditDetail(_l("E-mail")),
    "roles": AuditDetail(_l("Roles"), one_of(ROLE_LABELS)),
    "all_sites": AuditDetail(_l("All sites")),
    "sites": AuditDetail(_l("Sites")),
    "department": AuditDetail(_l("Department")),
    "active": AuditDetail(_l("Active")),
    "changes": AuditDetail(_l("Changes")),
    "code": AuditDetail(_l("Code")),
    "name": AuditDetail(_l("Name")),
    "problem": AuditDetail(_l("Problem")),
    "problems": AuditDetail(_l("Problems")),
    "category": AuditDetail(_l("Category")),
    "category_number": AuditDetail(_l("Category")),
    "title": AuditDetail(_l("Title")),
    "notice_text": AuditDetail(_l("Text of the notice")),
    "text": AuditDetail(_l("Text")),
    "leader_id": AuditDetail(_l("Leader in charge"), person),
    "person_id": AuditDetail(_l("Person responsible"), person),
    "owner_id": AuditDetail(_l("Responsible"), person),
    "department_id": AuditDetail(_l("Department responsible"), department),
    "deadline": AuditDetail(_l("Deadline")),
    "status": AuditDetail(_l("Status"), one_of(STATUS_LABELS)),
    "completed_on": AuditDetail(_l("Completed on")),
    "revised": AuditDetail(_l("Revised")),
    "adopted_on": AuditDetail(_l("Adopted on")),
    "file": AuditDetail(_l("File")),
    "reported_on": AuditDetail(_l("Reported on")),
    "kind": AuditDetail(_l("Kind of evidence"), _evidence_kind),
    "codes": AuditDetail(_l("Problems")),
    "indicator": AuditDetail(_l("Indicator")),
    "reading": AuditDetail(_l("Reading")),
    "reason": AuditDetail(_l("Reason")),
}


def _declared() -> tuple[dict, dict, dict]:
    actions, objects, details = dict(ACTIONS), dict(OBJECTS), dict(DETAILS)
    for spec in current_app.extensions["parkops"].specs:
        actions.update(spec.audit_actions)
        objects.update(spec.audit_objects)
        details.update(spec.audit_details)
    return actions, objects, details


def action_label(action: str) -> str:
    """The action in the reader's language; the key itself only for an action no loaded
    module declares (an entry from a module since removed)."""
    return str(_declared()[0].get(action, action))


@dataclass
class ShownEntry:
    """One entry as the viewer shows it."""

    action: str
    object: str  # "Account Wang Fang", "Problem 14", "" when none
    object_url: str | None
    details: list[tuple[str, str]]  # (label, value); a change reads "old → new"


def _object(objects: dict, object_type: str, object_id: int | None) -> tuple[str, str | None]:
    declared = objects.get(object_type)
    name = str(declared.label) if declared else object_type
    if object_id is None:
        return name, None
    shown = person(object_id) if object_type == "user" else str(object_id)
    url = None
    if declared and declared.endpoint:
        try:
            url = url_for(declared.endpoint, **{declared.arg: object_id})
        except BuildError:  # its module is not loaded here
            url = None
    return f"{name} {shown}", url


def _detail(details: dict, action: str, key: str) -> AuditDetail:
    found = details.get(f"{action}:{key}") or details.get(key)
    if found:
        return found
    setting = current_app.extensions["parkops_settings"].declared.get(key)
    return AuditDetail(setting.setting.help if setting else key)


def people_named(entries) -> set[int]:
    """The user ids ``entries`` (AuditEntry objects) name: their actors, accounts as
    objects and people in their details, so a page loads them in one statement before
    ``shown`` names each (``person`` then finds them in the session)."""
    _, _, details = _declared()
    ids: set = set()
    for entry in entries:
        ids.add(entry.actor_id)
        if entry.object_type == "user":
            ids.add(entry.object_id)
        for key, value in entry.details.items():
            changes = value.items() if key == "changes" and isinstance(value, dict) else []
            for name, one in [(key, value), *changes]:
                if _detail(details, entry.action, name).show is person:
                    ids.update(one if isinstance(one, list) else [one])
    return {i for i in ids if isinstance(i, int)}


def shown(entry) -> ShownEntry:
    """``entry`` (an AuditEntry) in words, in the current language."""
    actions, objects, details = _declared()
    what, url = _object(objects, entry.object_type, entry.object_id)
    rows = []
    for key, value in entry.details.items():
        detail = _detail(details, entry.action, key)
        if key == "changes" and isinstance(value, dict):
            for name, pair in value.items():
                field_ = _detail(details, entry.action, name)
                show = field_.show or plain
                rows.append((str(field_.label), f"{show(pair[0])} → {show(pair[1])}"))
            continue
        before_after = entry.action in CHANGED and isinstance(value, list) and len(value) == 2
        show = detail.show or plain
        text = f"{show(value[0])} → {show(value[1])}" if before_after else show(value)
        rows.append((str(detail.label), text))
    return ShownEntry(str(actions.get(entry.action, entry.action)), what, url, rows)

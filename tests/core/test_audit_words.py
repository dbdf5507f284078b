"""No internal key reaches a person in the audit log (issue 15).

Every ``audit.record(…)`` call in the core and the modules is read from the source
(its action, object type and the keys of its details), every one must be declared
(``parkops.audit_words`` and the module specs), and the audit page showing one entry
of each, in Chinese and in English, shows no action key, object type or detail key
as text. Every enum registered in ``parkops.labels`` reads as words in both languages.
"""

import ast
import dataclasses
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask_babel import force_locale

from parkops import audit, audit_words, labels
from parkops.auth import admin_services
from parkops.extensions import db
from parkops.rectification.edits import Owners

ROOT = Path(__file__).resolve().parents[2]
# Fields a call records through a dict built elsewhere (``**changes``); an account's
# fields come from ``admin_services._snapshot``.
CHANGED_FIELDS = {
    "ledger.problem_updated": [f.name for f in dataclasses.fields(Owners)]
    + ["completed_on", "category_number", "title", "notice_text"],
    "ledger.measure_updated": ["text", "owner_id", "deadline", "status"],
    "ledger.regulation_updated": ["title", "revised", "adopted_on", "file"],
}


def _constants(node, assigned: dict) -> list[str]:
    """The strings an expression can be: a constant, either branch of ``a if c else b``,
    a name assigned such strings in the file, an f-string over one such name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body, assigned) + _constants(node.orelse, assigned)
    if isinstance(node, ast.Name):
        return [v for value in assigned.get(node.id, []) for v in _constants(value, assigned)]
    if isinstance(node, ast.JoinedStr):
        found = [""]
        for part in node.values:
            options = (
                _constants(part.value, assigned)
                if isinstance(part, ast.FormattedValue)
                else [part.value]
            )
            found = [f + o for f in found for o in options]
        return found
    raise AssertionError(f"cannot tell what {ast.unparse(node)!r} records")


def recorded() -> list[tuple[str, str, list[str]]]:
    """(action, object type, constant detail keys) of every audit.record call."""
    calls = []
    for path in sorted([*ROOT.joinpath("parkops").rglob("*.py"), *ROOT.glob("modules/**/*.py")]):
        tree = ast.parse(path.read_text(), str(path))
        assigned: dict[str, list] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                assigned.setdefault(node.targets[0].id, []).append(node.value)
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) == "audit.record"
                and len(node.args) >= 2
            ):
                continue
            details = node.args[3] if len(node.args) > 3 else None
            keys = [
                k.value
                for k in (details.keys if isinstance(details, ast.Dict) else [])
                if isinstance(k, ast.Constant)
            ]
            for action in _constants(node.args[0], assigned):
                for object_type in _constants(node.args[1], assigned):
                    calls.append((action, object_type, keys + CHANGED_FIELDS.get(action, [])))
    return calls


def test_the_scan_finds_the_calls():
    actions = {a for a, _o, _k in recorded()}
    assert {"auth.login", "ticketing.correction_requested", "admin.site_reactivated"} <= actions
    assert {"ticketing.office_active", "ticketing.window_active"} <= actions  # the f-string


def test_every_recorded_action_object_and_detail_is_declared(app, make_user):
    actions, objects, details = audit_words._declared()
    snapshot_keys = list(admin_services._snapshot(make_user("someone", ["crew"])))
    missing = []
    for action, object_type, keys in recorded():
        if action not in actions:
            missing.append(f"action {action}")
        if object_type not in objects:
            missing.append(f"object type {object_type} ({action})")
        for key in keys + (snapshot_keys if action.startswith("admin.user_") else []):
            if f"{action}:{key}" not in details and key not in details:
                missing.append(f"detail {key} ({action})")
    assert not missing, missing


class _Text(HTMLParser):
    """The text a person reads: no attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


SAMPLES = {"kind": "deposit", "status": "completed", "reason": "duplicate", "roles": ["crew"]}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_audit_page_shows_words_for_every_action(app, client, make_user, login, language):
    admin = make_user("admin1", ["admin"], all_sites=True, display_name="王局长")
    calls = recorded()
    for action, object_type, keys in calls:
        details = {k: SAMPLES.get(k, 1) for k in keys}
        if action in audit_words.CHANGED:
            details = {k: [None, v] for k, v in details.items()}
        object_id = admin.id if object_type == "user" else 1
        audit.record(action, object_type, object_id, details, actor=admin)
    db.session.commit()
    login(admin)
    client.post(f"/language/{language}")
    parser = _Text()
    for page in range(1, len(calls) // 50 + 2):
        parser.feed(client.get(f"/audit/?page={page}").get_data(as_text=True))
    text = parser.parts
    keys = {k for _a, _o, ks in calls for k in ks}
    raw = {a for a, _o, _k in calls} | {o for _a, o, _k in calls} | keys
    assert not [t for t in text if t in raw or t.split(" ")[0] in raw], "raw keys shown"
    assert not [t for t in text if "#" in t and t.split("#")[0].strip() in raw]  # "user #1"
    assert not [t for t in text if t.startswith(("auth.", "admin.", "ticketing.", "ledger."))]
    assert "王局长" in text
    if language == "en":
        assert "Correction requested" in text and "Bank deposit" in text and "Signed in" in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_registered_enum_reads_as_words(app, language):
    assert labels._labels, "the ledger's enums are registered"
    with app.test_request_context(), force_locale(language):
        for enum_class, members in labels._labels.items():
            for member in enum_class:
                shown = labels.label(member)
                assert shown and shown not in (member.value, member.name), (member, language)
                assert str(members[member]) == shown

"""A second example module: it requires ``example`` and reacts to its findings.

``reactions`` connect ``on_finding`` to ``signals.finding_recorded`` for the apps
that load this module only; the handler writes in the sender's transaction and
returns a ``signals.Reaction`` saying what it did.
"""

from flask_babel import lazy_gettext as _l

from parkops import audit, signals
from parkops.registry import ModuleSpec

heard: list[tuple[str, str, int, str]] = []


def on_finding(sender, *, subject_kind, subject_id, summary, severity, user):
    heard.append((sender, subject_kind, subject_id, severity))
    audit.record("dependent.noted", subject_kind, subject_id, {"summary": summary}, actor=user)
    return signals.Reaction(f"Noted: {summary}", f"/example/records/{subject_id}")


spec = ModuleSpec(
    name="dependent",
    label=_l("Dependent example"),
    requires=("example",),
    reactions=((signals.finding_recorded, on_finding),),
)

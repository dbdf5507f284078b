"""Signals: one module reacts to another's event without importing it.

The core declares every signal here (blinker, as Flask itself does) with its
payload. A module sends one with ``send(signal, sender=<its module name>, …)``
inside the transaction that records the event; a module reacts by naming the
signal in its spec, ``reactions=((signals.finding_recorded, handler), …)``.
Handlers run synchronously, in the sender's transaction: they add to
``db.session`` and never commit, so the event and its consequences are stored
together or not at all; a handler that raises makes the sender's service fail.
A handler that did something people should see on the sender's record returns a
``Reaction(text, url)`` (what it did, in words, and the page of what it made);
``send`` returns those, in the order the modules are loaded, for the sender to
keep and show (a repair order opened, a violation recorded). Others return None.

Reactions belong to the app whose spec declared them: the one receiver connected
to each signal looks them up on ``current_app``, so several apps in one process
(tests) never run each other's handlers.
"""

from collections.abc import Callable
from dataclasses import dataclass

from blinker import Namespace, Signal
from flask import current_app

_signals = Namespace()

finding_recorded = _signals.signal(
    "finding-recorded",
    doc="""A finding was recorded about a subject.

    sender: the recording module's name ("patrols"); keyword payload:
    subject_kind (str, a registered subject kind, "facilities.facility"),
    subject_id (int), summary (str, one line for people), severity (str: "low",
    "normal", "high", "urgent"), user (the User who recorded it).
    """,
)

receivable_paid = _signals.signal(
    "receivable-paid",
    doc="""A receivable was paid in full.

    sender: "receivables"; keyword payload: receivable_id (int), subject_kind
    (str) and subject_id (int) of who owed it (a merchant), amount_fen (int, fen),
    paid_on (date, local business day), user (the User who recorded the payment).
    """,
)

_dispatchers: dict[int, Callable[..., list]] = {}


@dataclass(frozen=True)
class Reaction:
    """What a handler did, for the sender's record: ``text`` one line for people (in
    the installation's language), ``url`` the path of what it made ("" for none)."""

    text: str
    url: str = ""


def send(signal: Signal, sender: str, **payload) -> list[Reaction]:
    """Run the current app's reactions to ``signal``, in the caller's transaction;
    returns the Reactions the handlers reported."""
    return [r for _receiver, found in signal.send(sender, **payload) for r in found or ()]


def connect_dispatcher(signal: Signal) -> None:
    """Connect, once per process, the receiver that runs the current app's reactions."""
    if id(signal) in _dispatchers:
        return

    def dispatch(sender, **payload) -> list[Reaction]:
        found = []
        for handler in current_app.extensions["parkops"].reactions(signal):
            reaction = handler(sender, **payload)
            if isinstance(reaction, Reaction):
                found.append(reaction)
        return found

    _dispatchers[id(signal)] = dispatch
    signal.connect(dispatch, weak=False)

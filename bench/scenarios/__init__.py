"""The registry of bench scenarios: one module per area, listed in SCENARIOS.

A scenario module defines:
- ``MODULES``: the ParkOps modules it needs enabled (``()`` for the core);
- ``setup(app)``: adds its data to the fresh installation (inside an app context,
  after ``parkops demo``); it runs once per instance, so it may be slow;
- ``pages(app) -> list[Page]``: what to request, resolved after setup (ids, tokens);
- optionally ``operations(app) -> list[Operation]``: service calls timed in-process.

The hundredth (``setup(app, scale)``) is a hundredth of the *history* (tasks, rounds,
inspections, contracts over the years), not of a park's *structure* (zones, merchants):
issue #16 asks that no page get slower as the years of data pile up, and a list of
structural rows at the hundredth must still fill the pages the full volume fills, or
the bench compares 50 rows drawn with 5. ``structure`` and ``history_share`` work out
both; a list whose rows are history (open violations, write-offs) stays a hundredth.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from parkops.paging import PER_PAGE

# In the order they run; a module's helper adds its scenario here.
SCENARIOS = (
    "core",
    "facilities",
    "ticketing",
    "receivables",
    "merchants",
    "greening",
    "patrols",
)


@dataclass(frozen=True)
class Page:
    """A GET request: ``user`` signs in with the demo password first; None is a visitor,
    on a first visit (no cookie) unless ``returning``: then with the cookie its first
    visit of ``path`` was given."""

    name: str
    path: str
    user: str | None = None
    returning: bool = False


@dataclass(frozen=True)
class Operation:
    """A service call timed in-process ``repeat`` times; ``prepare`` runs untimed before each."""

    name: str
    run: Callable[[], object]
    repeat: int = 10
    prepare: Callable[[], object] | None = None


def load(names: tuple[str, ...] = SCENARIOS) -> list[ModuleType]:
    return [import_module(f"bench.scenarios.{name}") for name in names]


def modules_needed(scenarios: list[ModuleType]) -> list[str]:
    needed: list[str] = []
    for scenario in scenarios:
        needed += [m for m in scenario.MODULES if m not in needed]
    return needed


def structure(full: int, scale: float, least: int = PER_PAGE) -> int:
    """How many structural rows (zones, merchants) to build at ``scale`` of ``full``:
    the scaled count, but at least ``least`` (a full page of the list showing them) and
    at most ``full``."""
    return min(full, max(least, round(full * scale)))


def history_share(full: int, built: int, scale: float) -> float:
    """The share of each structural row's history (its years of tasks, inspections…) to
    build so that the history over ``built`` rows is ``scale`` of the history over
    ``full`` rows: 0.1 for 50 zones of 500 at a hundredth; 1.0 at the full volume."""
    return min(1.0, scale * full / built)

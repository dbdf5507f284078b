"""The registry of bench scenarios: one module per area, listed in SCENARIOS.

A scenario module defines:
- ``MODULES``: the ParkOps modules it needs enabled (``()`` for the core);
- ``setup(app)``: adds its data to the fresh installation (inside an app context,
  after ``parkops demo``); it runs once per instance, so it may be slow;
- ``pages(app) -> list[Page]``: what to request, resolved after setup (ids, tokens);
- optionally ``operations(app) -> list[Operation]``: service calls timed in-process.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

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

"""Ticketing's routes, one file per concept, all on the one blueprint of ``base``:
shifts, stock, catalog, imports, days, corrections, approvals, reports, patterns, tolerances.
Importing this package adds every route to the blueprint.
"""

from modules.ticketing.views import (  # noqa: F401  (each adds its routes to bp)
    approvals,
    catalog,
    corrections,
    days,
    imports,
    patterns,
    reports,
    shifts,
    stock,
    tolerances,
)
from modules.ticketing.views.base import bp

__all__ = ["bp"]

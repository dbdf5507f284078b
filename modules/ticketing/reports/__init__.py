"""稽核 reports: per seller over a period (sellers), gate gaps per venue and day with
their sellers (gate_gaps), shortfall patterns under the tolerance (patterns), voids,
refunds and free entries per seller (share_patterns), sales broken down by any dimension
(sales), and their .xlsx downloads (workbook). All read the daily summary
(summary.py), the shift tallies and the gate counts, never the sales lines.
The public names are re-exported here: ``reports.seller_report(...)``.
"""

from modules.ticketing.reports.gate_gaps import GapSeller, VenueGap, gate_gaps
from modules.ticketing.reports.patterns import SellerPattern, shortfall_patterns
from modules.ticketing.reports.sales import GROUPS, BreakdownRow, breakdown
from modules.ticketing.reports.sellers import (
    SellerFigures,
    SellerReport,
    SellerRow,
    seller_report,
    venue_day_counts,
)
from modules.ticketing.reports.share_patterns import SharePattern, share_patterns
from modules.ticketing.reports.workbook import workbook, workbook_of

__all__ = [
    "GROUPS",
    "BreakdownRow",
    "GapSeller",
    "SellerFigures",
    "SellerPattern",
    "SellerReport",
    "SellerRow",
    "SharePattern",
    "VenueGap",
    "breakdown",
    "gate_gaps",
    "seller_report",
    "share_patterns",
    "shortfall_patterns",
    "venue_day_counts",
    "workbook",
    "workbook_of",
]

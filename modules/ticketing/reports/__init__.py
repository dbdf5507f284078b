"""稽核 reports: per seller over a period (sellers), shortfall patterns under the
tolerance (patterns), sales broken down by any dimension (sales), and their .xlsx
downloads (workbook). Both read the daily summary
(summary.py), the shift tallies and the gate counts, never the sales lines.
The public names are re-exported here: ``reports.seller_report(...)``.
"""

from modules.ticketing.reports.patterns import SellerPattern, shortfall_patterns
from modules.ticketing.reports.sales import GROUPS, BreakdownRow, breakdown
from modules.ticketing.reports.sellers import (
    SellerFigures,
    SellerReport,
    SellerRow,
    seller_report,
    venue_day_counts,
)
from modules.ticketing.reports.workbook import workbook

__all__ = [
    "GROUPS",
    "BreakdownRow",
    "SellerFigures",
    "SellerPattern",
    "SellerReport",
    "SellerRow",
    "breakdown",
    "seller_report",
    "shortfall_patterns",
    "venue_day_counts",
    "workbook",
]

"""票据: ticket stock kept as serial ranges, with no row per serial.

rolls (received from the printer) · ranges (issued to a seller's shift, the
remainder declared by the seller, then counted by the stock keeper) · voids (asked by the
seller, decided by a supervisor) · counts (what became of each serial of a range) ·
serials (where one serial is).
The public functions are re-exported here: ``stock.issue_range(...)``.
"""

from modules.ticketing.stock.counts import RangeCounts, issue_counts, range_counts
from modules.ticketing.stock.ranges import confirm_return, issue_range, return_range
from modules.ticketing.stock.rolls import MAX_RANGE, RollStock, product_stock, receive_roll
from modules.ticketing.stock.serials import SerialInfo, SerialState, serial_status
from modules.ticketing.stock.voids import decide_void, pending_voids, request_void

__all__ = [
    "MAX_RANGE",
    "RangeCounts",
    "RollStock",
    "SerialInfo",
    "SerialState",
    "confirm_return",
    "decide_void",
    "issue_counts",
    "issue_range",
    "pending_voids",
    "product_stock",
    "range_counts",
    "receive_roll",
    "request_void",
    "return_range",
    "serial_status",
]

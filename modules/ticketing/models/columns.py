"""What the ticketing tables share: the bounds that turn a typing error into a clear message
instead of a column overflow, and how an enum is stored (its values, as text).
"""

from sqlalchemy import Enum

# Bounds that turn a typing error into a clear message instead of a column overflow.
MAX_SERIAL = 10**12
MAX_QUANTITY = 10_000  # tickets on one sales line
MAX_AMOUNT_FEN = 10**9  # ¥10,000,000: one line, one count, one deposit
MAX_ENTRIES = 10_000_000  # one venue's gate count for a day


def enum_column(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])

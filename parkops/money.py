"""Money is an integer number of fen; Decimal only at the edges."""

import re
from decimal import Decimal

from parkops.query_args import half_width

FEN_PER_YUAN = 100
MAX_YUAN = 10**11  # far above any park's takings; refuses typos like a pasted serial number
_AMOUNT = re.compile(r"-?\d+(\.\d{1,2})?")
# Commas only as thousands separators: "1,234.50" is an amount, "12,5" (a decimal
# comma) and "1,23" are not, so neither becomes ¥125 or ¥123.
_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_AMOUNT_ANY_DECIMALS = re.compile(r"-?\d+\.\d+")


class MoneyError(ValueError):
    pass


def parse_yuan(text: str | int | Decimal) -> int:
    """'1,234.5' → 123450 fen. Anything but plain digits with up to two decimals is refused,
    and so is a comma that is not a thousands separator ('12,5', '1,23', '1.234,50').
    Full-width digits and signs (a Chinese input method's '１２３．５', '￥') are read as
    ASCII, as every number typed (``parkops.query_args.half_width``); '5²' and '①' are
    refused, not read as 52 and 1."""
    raw = half_width(str(text)).strip().replace("¥", "").strip()
    if "," in raw:
        if not _GROUPED.fullmatch(raw):
            raise MoneyError(f"a comma that is not a thousands separator: {text!r}")
        raw = raw.replace(",", "")
    match = _AMOUNT.fullmatch(raw)
    if match is None:
        if _AMOUNT_ANY_DECIMALS.fullmatch(raw):
            raise MoneyError(f"more than two decimals: {text!r}")
        raise MoneyError(f"not an amount of money: {text!r}")
    amount = Decimal(raw)
    if abs(amount) >= MAX_YUAN:
        raise MoneyError(f"amount too large: {text!r}")
    return int(amount * FEN_PER_YUAN)


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_fen(fen: int | None) -> str:
    """123450 → '¥1,234.50'; negative amounts keep their sign before the symbol."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{fen_to_decimal(abs(fen)):,.2f}"

"""Money is an integer number of fen; Decimal only at the edges."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100


class MoneyError(ValueError):
    pass


def parse_yuan(text: str | int | Decimal) -> int:
    """'1,234.5' → 123450 fen. More than two decimals, or anything not a number, is refused."""
    raw = str(text).strip().replace(",", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount of money: {text!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not an amount of money: {text!r}")
    if amount.as_tuple().exponent < -2:
        raise MoneyError(f"more than two decimals: {text!r}")
    return int((amount * FEN_PER_YUAN).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_fen(fen: int | None) -> str:
    """123450 → '¥1,234.50'; negative amounts keep their sign before the symbol."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{fen_to_decimal(abs(fen)):,.2f}"

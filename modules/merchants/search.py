"""The merchants' search: a substring of the name, contact or phone, found through an
index of their pieces of one and two characters (``mer_merchant_grams``) instead of
reading every merchant's name, so a search costs the same with 50 merchants or 50,000.

Portable on purpose: SQLite's FTS5 trigram tokenizer and PostgreSQL's pg_trgm both need
three characters to use their index, and a Chinese search is often two (餐饮). The
pieces only narrow the candidates; the substring test still decides (``icontains``:
ASCII case folded on both databases, as in the pieces).
"""

from sqlalchemy import ColumnElement, and_, insert, or_, select

from modules.merchants.models import Merchant, MerchantGram
from parkops.extensions import db

GRAM = 2  # characters per piece; single characters are indexed too, for one-character searches
PROBES = 3  # pieces of a long search looked up: enough to narrow, few enough to stay cheap


def _fold(text: str) -> str:
    """ASCII lowercased only: SQLite's LIKE folds ASCII, PostgreSQL's folds nothing,
    and a piece must never be missed for either."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def grams(*texts: str) -> set[str]:
    """The distinct pieces of one and of GRAM characters in ``texts``."""
    found: set[str] = set()
    for text in texts:
        folded = _fold(text)
        found.update(folded)
        found.update(folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1))
    return found


def index_rows(merchant_id: int, name: str, contact: str, phone: str) -> list[dict]:
    """The ``mer_merchant_grams`` rows of one merchant (for a bulk insert)."""
    return [{"gram": g, "merchant_id": merchant_id} for g in grams(name, contact, phone)]


def index(merchant: Merchant) -> None:
    """Index a merchant just flushed (it has its id); the caller commits."""
    rows = index_rows(merchant.id, merchant.name, merchant.contact, merchant.phone)
    db.session.execute(insert(MerchantGram), rows)


def matching(text: str) -> ColumnElement[bool]:
    """A WHERE clause: merchants whose name, contact or phone contains ``text`` (not
    empty). Up to PROBES pieces of it (first, middle, last) are looked up in the index."""
    folded = _fold(text)
    if len(folded) < GRAM:
        pieces = [folded]
    else:
        every = [folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1)]
        pieces = sorted({every[0], every[len(every) // 2], every[-1]})[:PROBES]
    narrowed = [
        Merchant.id.in_(select(MerchantGram.merchant_id).where(MerchantGram.gram == piece))
        for piece in pieces
    ]
    return and_(
        *narrowed,
        or_(
            Merchant.name.icontains(text, autoescape=True),
            Merchant.contact.icontains(text, autoescape=True),
            Merchant.phone.icontains(text, autoescape=True),
        ),
    )

"""The merchants' search: a substring of the name, contact or phone, found through an
index of their pieces of one and two characters (``mer_merchant_grams``, see
``parkops/grams.py``) instead of reading every merchant's name, so a search costs the
same with 50 merchants or 50,000.
"""

from sqlalchemy import ColumnElement, and_, insert, or_, select

from modules.merchants.models import Merchant, MerchantGram
from parkops.extensions import db
from parkops.forms import halfwidth
from parkops.grams import grams, probes


def index_rows(merchant_id: int, name: str, contact: str, phone: str) -> list[dict]:
    """The ``mer_merchant_grams`` rows of one merchant (for a bulk insert)."""
    return [{"gram": g, "merchant_id": merchant_id} for g in grams(name, contact, phone)]


def index(merchant: Merchant) -> None:
    """Index a merchant just flushed (it has its id); the caller commits."""
    rows = index_rows(merchant.id, merchant.name, merchant.contact, merchant.phone)
    db.session.execute(insert(MerchantGram), rows)


def matching(text: str) -> ColumnElement[bool]:
    """A WHERE clause: merchants whose name, contact or phone contains ``text`` (not
    empty), or, typed in full-width forms ("１３８"), the ASCII it means (a phone as
    stored: ``forms.halfwidth``). Up to PROBES pieces of it (first, middle, last) are
    looked up in the index."""
    meant = halfwidth(text)
    return _matching(text) if meant == text else or_(_matching(text), _matching(meant))


def _matching(text: str) -> ColumnElement[bool]:
    narrowed = [
        Merchant.id.in_(select(MerchantGram.merchant_id).where(MerchantGram.gram == piece))
        for piece in probes(text)
    ]
    return and_(
        *narrowed,
        or_(
            Merchant.name.icontains(text, autoescape=True),
            Merchant.contact.icontains(text, autoescape=True),
            Merchant.phone.icontains(text, autoescape=True),
        ),
    )

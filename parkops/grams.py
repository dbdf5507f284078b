"""Substring search through an index of pieces: a text's pieces of one and two
characters are stored with its row, and a search looks up a few pieces of what was
typed instead of reading every row (the merchants' and the facility register's search).

Portable on purpose: SQLite's FTS5 trigram tokenizer and PostgreSQL's pg_trgm both need
three characters to use their index, and a Chinese search is often two (餐饮). The
pieces only narrow the candidates; the substring test (``icontains``: ASCII case folded
on both databases, as in the pieces) still decides.
"""

GRAM = 2  # characters per piece; single characters are indexed too, for one-character searches
PROBES = 3  # pieces of a long search looked up: enough to narrow, few enough to stay cheap


def fold(text: str) -> str:
    """ASCII lowercased only: SQLite's LIKE folds ASCII, PostgreSQL's folds nothing,
    and a piece must never be missed for either."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def lowered(text: str) -> str:
    """Every character lowercased on its own (no final-sigma rule): PostgreSQL's
    ``lower()`` folds more than ASCII, and an index of text ``icontains`` tests on
    either database must hold the pieces of this (the accounts' search)."""
    return "".join(c.lower() for c in text)


def grams(*texts: str, folding=fold) -> set[str]:
    """The distinct pieces of one and of GRAM characters in ``texts``, ``folding``
    (``fold`` or ``lowered``) each text first."""
    found: set[str] = set()
    for text in texts:
        folded = folding(text)
        found.update(folded)
        found.update(folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1))
    return found


def probes(text: str, folding=fold) -> list[str]:
    """The pieces of ``text`` (not empty) a search looks up: the whole of a text shorter
    than GRAM, else up to PROBES pieces (first, middle, last), sorted; ``folding`` as
    the index's ``grams``."""
    folded = folding(text)
    if len(folded) < GRAM:
        return [folded]
    every = [folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1)]
    return sorted({every[0], every[len(every) // 2], every[-1]})[:PROBES]

"""Every table cell that shows an amount (``|fen``) is a numeric cell (class "num"),
which parkops.css keeps on one line: "¥45,943.10" never wraps to "¥45,943.1 / 0"."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A cell whose text starts with an amount: its opening tag, up to the first |fen.
AMOUNT_CELL = re.compile(r"<(td|th)\b([^>]*)>\s*(?:<strong>)?\s*\{\{[^}]*\|fen\b")


def test_every_amount_cell_is_a_numeric_cell():
    bare = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}"
        for path in TEMPLATES.rglob("*.html")
        for match in AMOUNT_CELL.finditer(path.read_text(encoding="utf-8"))
        # "amount": a printed letter's cell (document-print.css, also kept on one line)
        if not re.search(r'class="[^"]*\b(num|amount)\b', match.group(2))
    ]
    assert bare == []


def test_the_numeric_cell_rule_is_in_the_core_stylesheet_once():
    css = (TEMPLATES.parent / "static" / "css").glob("*.css")
    rules = [p.name for p in css for _ in re.finditer(r"(?m)^\.num \{", p.read_text())]
    assert rules == ["parkops.css"]
    assert "white-space: nowrap" in (TEMPLATES.parent / "static/css/parkops.css").read_text()

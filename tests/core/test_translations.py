"""The Chinese catalog is complete, consistent and compiled.

Every msgid has a Chinese translation (not fuzzy, not empty) with the same
placeholders; the compiled .mo holds exactly what the .po says; and every string
the code and templates mark for translation is in the catalog.
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
CHINESE = TRANSLATIONS / "zh" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]")


def load_po(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def forms(value) -> list[str]:
    """A message's singular and plural forms (a plain message has one)."""
    return list(value) if isinstance(value, tuple | list) else [value]


def translated(catalog) -> dict:
    """msgid forms -> msgstr forms, as the compiled catalog serves them.

    Fuzzy and empty messages are left out, except plurals: pybabel compile keeps an
    untranslated plural with its msgids as the text (English's are all like that).
    A .mo gives a plural's forms as lists, a .po as tuples; both become tuples here.
    """
    served = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        ids, strings = tuple(forms(m.id)), forms(m.string)
        if len(ids) > 1:
            served[ids] = tuple(s or ids[min(i, 1)] for i, s in enumerate(strings))
        elif all(strings):
            served[ids] = tuple(strings)
    return served


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def chinese():
    return load_po(CHINESE / "messages.po")


def test_every_message_has_a_chinese_translation(chinese):
    missing = [
        m.id for m in chinese if m.id and (m.fuzzy or not all(s.strip() for s in forms(m.string)))
    ]
    assert missing == [], f"{len(missing)} messages untranslated or fuzzy: {missing[:20]}"


def test_placeholders_match(chinese):
    wrong = []
    for m in chinese:
        if not m.id:
            continue
        expected = placeholders(forms(m.id)[0])
        for text in forms(m.string):
            if text and placeholders(text) != expected:
                wrong.append((m.id, text))
    assert wrong == []


def test_a_translation_has_no_bare_percent_sign(chinese):
    """Templates format every translated message with %: a lone '%' in a translation
    ("得分下限（%）") breaks its page with a ValueError, so it must be written '%%' or in
    words (the English source may keep its own, read only in Python)."""

    def bare(text: str) -> bool:
        return "%" in PLACEHOLDER.sub("", text).replace("%%", "")

    wrong = []
    for m in chinese:
        if m.id and not bare(forms(m.id)[0]):
            wrong += [(m.id, text) for text in forms(m.string) if bare(text)]
    assert wrong == []


@pytest.mark.parametrize("po", sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")), ids=str)
def test_the_compiled_catalog_is_not_stale(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run make translations"
    with mo.open("rb") as f:
        compiled = read_mo(f)
    assert translated(compiled) == translated(load_po(po)), f"{mo} is stale: run make translations"


def source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    return {
        forms(message)[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords
        )
    }


def test_the_catalog_has_every_string_of_the_code(chinese):
    known = {forms(m.id)[0] for m in chinese if m.id}
    missing = sorted(source_messages() - known)
    assert missing == [], (
        f"{len(missing)} strings not in the catalog (make translations, then translate): "
        f"{missing[:20]}"
    )


# pybabel reads Python 3.11 f-strings as one string token: a gettext call inside one is
# never extracted, so it is never translated (an English file name in the Chinese UI).
GETTEXT_IN_FSTRING = re.compile(r"""\bf(["'])[^\n]*?\{_l?\(""")


def test_no_message_is_marked_inside_an_f_string():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("parkops", "modules")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if GETTEXT_IN_FSTRING.search(line)
    ]
    assert found == []

"""Text stays readable in sunlight: every text colour in the stylesheets meets WCAG 2.1
AA (contrast 4.5:1) against the background it is drawn on.

A rule that sets both ``color`` and ``background`` is checked as that pair; a rule that
sets only ``color`` is checked against the page's backgrounds (``--bg`` and ``--card``),
unless the colour is light (text on a coloured parent, e.g. white on the green header,
whose pair is checked where that background is declared).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHEETS = sorted(
    path
    for pattern in ("static/css/*.css", "modules/*/static/**/*.css")
    for path in ROOT.glob(pattern)
)
AA = 4.5


def luminance(hex_colour: str) -> float:
    """Relative luminance of ``#rgb`` or ``#rrggbb`` (WCAG 2.1)."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def variables() -> dict[str, str]:
    text = (ROOT / "static/css/parkops.css").read_text()
    return dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{3,6})\b", text))


def resolve(value: str, names: dict[str, str]) -> str | None:
    """A declared colour as hex, or None when it is not a plain colour (gradients,
    ``inherit``, ``transparent``)."""
    value = value.strip()
    found = re.fullmatch(r"var\((--[a-z-]+)\)", value)
    if found:
        return names.get(found.group(1))
    return value if re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value) else None


def pairs() -> list[tuple[str, str, str, str]]:
    """(sheet and selector, text colour, background, which background) for every rule."""
    names = variables()
    pages = {"--bg": names["--bg"], "--card": names["--card"]}
    found = []
    for sheet in SHEETS:
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
            declared = dict(
                (name.strip(), value.strip())
                for name, value in re.findall(r"(?:^|;)\s*([a-z-]+)\s*:\s*([^;]+)", body)
            )
            colour = resolve(declared.get("color", ""), names)
            if colour is None:
                continue
            where = f"{sheet.relative_to(ROOT)} {selector.strip()}"
            background = declared.get("background-color") or declared.get("background")
            own = resolve(background.split()[0], names) if background else None
            if own:
                found.append((where, colour, own, "its own background"))
            elif luminance(colour) < 0.5:
                found += [(where, colour, hexa, name) for name, hexa in pages.items()]
    return found


def test_the_stylesheets_have_text_colours_to_check():
    assert len(SHEETS) >= 5 and len(pairs()) >= 30


@pytest.mark.parametrize("where,colour,background,which", pairs(), ids=lambda v: str(v)[:40])
def test_text_meets_wcag_aa_contrast(where, colour, background, which):
    ratio = contrast(colour, background)
    assert ratio >= AA, f"{where}: {colour} on {background} ({which}) is {ratio:.2f}:1"

"""The README's configuration table states the defaults the code has."""

import re
from pathlib import Path

from parkops.config import DEFAULTS

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `PARKOPS_(\w+)` \| ([^|]*) \|", re.MULTILINE)


def documented_defaults() -> dict[str, str]:
    """``{"PORT": "`5000`", …}``: each variable's default cell, as written."""
    return {name: cell.strip() for name, cell in ROW.findall(README.read_text("utf-8"))}


def written(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_every_setting_is_documented():
    assert set(DEFAULTS) <= set(documented_defaults())


def test_every_documented_default_is_the_codes():
    wrong = {}
    for name, cell in documented_defaults().items():
        if name not in DEFAULTS or DEFAULTS[name] is None:
            continue  # derived from other settings at start-up: described in words
        literal = re.match(r"`([^`]*)`", cell)
        said = literal.group(1) if literal else ("" if cell.startswith("empty") else cell)
        if said != written(DEFAULTS[name]):
            wrong[name] = (cell, DEFAULTS[name])
    assert wrong == {}

"""Module settings: declared in the spec with a type and a default, checked at start-up,
read through one accessor, ``module_settings.get("<module>.<name>")``.

Two places, by who decides:
- ``where="config"``: installation facts (a font path, a limit of the server), set by
  the operator as ``<MODULE>_<NAME>`` in instance/config.py or ``PARKOPS_<MODULE>_<NAME>``
  in the environment (the environment wins); a wrong value stops ``create_app`` with a
  message naming the setting and the value.
- ``where="database"``: business rules (tolerances, deadlines), kept in the core's
  ``settings`` table under ``<module>.<name>`` and changed by the module's people on
  /settings/<module> (the spec's ``settings_permission``); a value is checked when
  it is saved, then the spec's ``settings_check`` looks at them together.

Amounts of money are ``Money()`` settings: typed in yuan ("12.50"), held as int fen.
"""

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from parkops.extensions import db
from parkops.forms import MAX_FORM_FEN
from parkops.money import MoneyError, fen_to_decimal, format_fen, parse_yuan

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class SettingError(ValueError):
    """A setting's value does not fit its type; the message names setting and value.
    ``reason``: why, in the user's language, when the type said so (else None)."""

    reason: str | LazyString | None = None


class Money:
    """A setting type for an amount: typed in yuan as ``parse_yuan`` reads it ("12.50",
    "1,234.50"; "12,5" refused), negative refused unless ``allow_negative``, more than
    ``max_fen`` refused; the value is int fen, stored in the database as fen and shown
    back in yuan. A ``default`` is given in fen."""

    def __init__(self, allow_negative: bool = False, max_fen: int = MAX_FORM_FEN) -> None:
        self.allow_negative = allow_negative
        self.max_fen = max_fen

    def __call__(self, text: str) -> int:
        """Yuan text → fen; ValueError carrying the reason in the user's language."""
        try:
            fen = parse_yuan(text)
        except MoneyError:
            raise ValueError(_l("Not an amount in yuan (e.g. 1,234.50).")) from None
        if fen < 0 and not self.allow_negative:
            raise ValueError(_l("The amount cannot be negative."))
        if abs(fen) > self.max_fen:
            raise ValueError(_l("The amount is too large."))
        return fen

    def show(self, fen: int) -> str:
        return str(fen_to_decimal(fen))

    def store(self, fen: int) -> str:
        return str(fen)

    def load(self, text: str) -> int:
        return int(text)


@dataclass(frozen=True)
class Setting:
    """``type`` turns the written text into the value (int, float, str, bool, ``Money()``,
    or any callable raising ValueError, whose argument, when a lazy translated string,
    is the reason shown on the page); ``default`` is already of that type (fen for
    Money; so is an int given in config.py, while text is read in yuan)."""

    name: str  # "grace_days"
    type: Callable[[str], object]
    default: object
    help: str | LazyString
    where: str = "config"  # "config" or "database"


def parse(setting: Setting, full_name: str, raw: object) -> object:
    """``raw`` (text, or a value already typed by config.py) as ``setting.type``."""
    if not isinstance(raw, str):
        if setting.type is float and isinstance(raw, int) and not isinstance(raw, bool):
            return float(raw)
        if isinstance(raw, setting.type if isinstance(setting.type, type) else object):
            return raw
        raw = str(raw)
    text = raw.strip()
    try:
        if setting.type is bool:
            if text.lower() not in TRUE | FALSE:
                raise ValueError(text)
            return text.lower() in TRUE
        value = setting.type(text)
        if isinstance(value, float) and not math.isfinite(value):  # "inf", "nan", "1e400"
            raise ValueError(text)
        return value
    except (ValueError, TypeError) as error:
        refused = SettingError(f"setting {full_name}: {raw!r} is not a valid value ({error})")
        if error.args and isinstance(error.args[0], LazyString):
            refused.reason = error.args[0]
        raise refused from None


def shown(setting: Setting, value: object) -> str:
    """``value`` as a person types it on /settings/<module> (yuan for Money)."""
    if isinstance(value, bool):
        return str(value).lower()
    show = getattr(setting.type, "show", None)
    return show(value) if show else str(value)


def _audited(setting: Setting, value: object) -> str:
    """``value`` as the audit log keeps it: an amount as ¥1,234.50, else as typed."""
    return format_fen(value) if isinstance(setting.type, Money) else shown(setting, value)


def _stored(setting: Setting, value: object) -> str:
    store = getattr(setting.type, "store", None)
    return store(value) if store else shown(setting, value)


def _loaded(setting: Setting, full_name: str, text: str) -> object:
    load = getattr(setting.type, "load", None)
    return load(text) if load else parse(setting, full_name, text)


@dataclass(frozen=True)
class Declared:
    module: str
    setting: Setting

    @property
    def full_name(self) -> str:
        return f"{self.module}.{self.setting.name}"

    @property
    def config_key(self) -> str:
        return f"{self.module}_{self.setting.name}".upper()


class SettingsStore:
    """The settings one app's specs declared, and the config values checked at start-up."""

    def __init__(self) -> None:
        self.declared: dict[str, Declared] = {}
        self.config_values: dict[str, object] = {}
        self.checks: dict[str, Callable[[dict], list]] = {}

    def declare(self, module: str, settings, config: dict, check=None) -> None:
        """``check``: the spec's ``settings_check``, run by ``save``."""
        if check is not None:
            self.checks[module] = check
        for setting in settings:
            item = Declared(module, setting)
            if setting.where not in ("config", "database"):
                raise SettingError(f"setting {item.full_name}: where={setting.where!r}")
            parse(setting, item.full_name, setting.default)  # a default of the wrong type
            self.declared[item.full_name] = item
            if setting.where == "config":
                raw = os.environ.get(f"PARKOPS_{item.config_key}") or config.get(item.config_key)
                value = (
                    setting.default if raw in (None, "") else parse(setting, item.full_name, raw)
                )
                self.config_values[item.full_name] = value

    def of_module(self, module: str, where: str) -> list[Declared]:
        return [
            d for d in self.declared.values() if d.module == module and d.setting.where == where
        ]


def _store() -> SettingsStore:
    return current_app.extensions["parkops_settings"]


def declared_in(module: str, where: str) -> list[Declared]:
    """The settings ``module`` declared for ``where`` ("config" or "database")."""
    return _store().of_module(module, where)


def get(full_name: str) -> object:
    """The value of ``"<module>.<name>"``; KeyError for a setting no loaded spec declares."""
    item = _store().declared[full_name]
    if item.setting.where == "config":
        return _store().config_values[full_name]
    from parkops.auth.models import Setting as Row  # the core's key/value table

    row = db.session.get(Row, full_name)
    return item.setting.default if row is None else _loaded(item.setting, full_name, row.value)


def save(module: str, values: dict[str, str], user) -> None:
    """Check and store the database settings ``{name: text as typed}`` of ``module``,
    audited (the values as typed, e.g. yuan).

    Every value is checked before anything is written, then the spec's
    ``settings_check({name: value}, every database setting of the module, the new
    values over the stored ones) -> [message]``. SettingError, with ``errors =
    {name: reason in the user's language, or None when the type gave none}`` and
    ``problems = [message]`` (the check's), leaves the stored settings as they were.
    """
    from parkops import audit
    from parkops.auth.models import Setting as Row

    items = [i for i in _store().of_module(module, "database") if i.setting.name in values]
    parsed, errors = {}, {}
    details = []  # the developer's text, for the exception's message
    for item in items:
        try:
            parsed[item] = parse(item.setting, item.full_name, values[item.setting.name])
        except SettingError as error:
            errors[item.setting.name] = error.reason
            details.append(str(error))
    problems = []
    check = _store().checks.get(module)
    if not errors and check is not None:
        together = {
            i.setting.name: get(i.full_name) for i in _store().of_module(module, "database")
        }
        together |= {item.setting.name: value for item, value in parsed.items()}
        problems = list(check(together))
    if errors or problems:
        refused = SettingError("; ".join(map(str, [*details, *problems])))
        refused.errors, refused.problems = errors, problems
        raise refused
    changed = {}
    for item, value in parsed.items():
        text = _stored(item.setting, value)
        row = db.session.get(Row, item.full_name) or Row(key=item.full_name, value="")
        if row.value != text:
            row.value = text
            db.session.add(row)
            changed[item.full_name] = _audited(item.setting, value)
    if changed:
        audit.record("settings.changed", "module", None, changed, actor=user)
    db.session.commit()

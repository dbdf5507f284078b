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
  it is saved.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString

from parkops.extensions import db

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class SettingError(ValueError):
    """A setting's value does not fit its type; the message names setting and value."""


@dataclass(frozen=True)
class Setting:
    """``type`` turns the written text into the value (int, float, str, bool, or any
    callable raising ValueError); ``default`` is already of that type."""

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
        return setting.type(text)
    except (ValueError, TypeError) as error:
        raise SettingError(f"setting {full_name}: {raw!r} is not a valid value ({error})") from None


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

    def declare(self, module: str, settings, config: dict) -> None:
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
    return item.setting.default if row is None else parse(item.setting, full_name, row.value)


def save(module: str, values: dict[str, str], user) -> None:
    """Check and store the database settings ``{name: text}`` of ``module``, audited.

    Every value is checked before anything is written: SettingError, with
    ``errors = {name: message}``, leaves the stored settings as they were.
    """
    from parkops import audit
    from parkops.auth.models import Setting as Row

    items = [i for i in _store().of_module(module, "database") if i.setting.name in values]
    parsed, errors = {}, {}
    for item in items:
        try:
            parsed[item] = parse(item.setting, item.full_name, values[item.setting.name])
        except SettingError as error:
            errors[item.setting.name] = str(error)
    if errors:
        refused = SettingError("; ".join(errors.values()))
        refused.errors = errors
        raise refused
    changed = {}
    for item, value in parsed.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        row = db.session.get(Row, item.full_name) or Row(key=item.full_name, value="")
        if row.value != text:
            row.value = text
            db.session.add(row)
            changed[item.full_name] = text
    if changed:
        audit.record("settings.changed", "module", None, changed, actor=user)
    db.session.commit()

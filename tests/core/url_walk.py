"""Walking the URL map: a concrete URL for every rule, for tests that visit them all."""

from pathlib import Path

from flask import Flask
from werkzeug.routing import AnyConverter, Rule
from werkzeug.routing.converters import NumberConverter, UUIDConverter

from parkops.config import DEFAULTS

UUID = "00000000-0000-4000-8000-000000000000"


def sample_path(rule: Rule, number: int = 1) -> str:
    """A path that this rule matches, with ``number`` for numeric parts."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, NumberConverter):
            values[name] = number
        elif isinstance(converter, UUIDConverter):
            values[name] = UUID
        else:
            values[name] = "x"
    _domain, path = rule.build(values, append_unknown=False)
    return path


def is_static(endpoint: str) -> bool:
    """The core's and each module blueprint's static files: public by design."""
    return endpoint == "static" or endpoint.endswith(".static")


def rules(app: Flask, *, methods: set[str], prefixes: tuple[str, ...] = ()) -> list[Rule]:
    """Rules answering one of ``methods``, for endpoints under ``prefixes`` (all if empty)."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if not is_static(rule.endpoint)
        and rule.methods & methods
        and (not prefixes or rule.endpoint.split(".")[0] in prefixes)
    ]


def every_module() -> list[str]:
    """The example module and every module of the repository, for walks that cover all routes."""
    root = Path(__file__).resolve().parents[2]
    found = sorted(p.parent.name for p in (root / "modules").glob("*/module.py"))
    # A module that requires another comes after it: the default order, then the rest.
    default = str(DEFAULTS["MODULES"]).split(",")
    found.sort(key=lambda name: default.index(name) if name in default else len(default))
    return ["tests.example_module.module", *found]

"""Labels of enum members for people: one registry, one Jinja filter, ``|label``.

A module registers its enums once (``labels.register(OrderStatus, {OrderStatus.NEW:
_l("New"), …})``, at import of its models or forms); a template writes
``{{ order.status|label }}``, code calls ``labels.label(value)``. A member without a
label is an error at registration (every member needs one), never a raw key shown.
"""

import enum

from flask_babel import LazyString

_labels: dict[type[enum.Enum], dict[enum.Enum, str | LazyString]] = {}


def register(enum_class: type[enum.Enum], labels: dict) -> None:
    """Labels for every member of ``enum_class``; ValueError naming the members missing one."""
    missing = [m.name for m in enum_class if m not in labels]
    if missing:
        raise ValueError(f"{enum_class.__name__}: no label for {', '.join(missing)}")
    _labels[enum_class] = dict(labels)


def label(value: enum.Enum | None) -> str:
    """The member's label in the current language; "" for None; KeyError for an
    enum nobody registered."""
    if value is None:
        return ""
    return str(_labels[type(value)][value])

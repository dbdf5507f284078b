"""Every date a form takes is bounded 2000–2100 (parkops.forms.DayField, MomentField).

The walk finds the forms by introspection: a date field added later with wtforms'
own DateField (unbounded: 9999-12-31 overflows a date sum, 0001-01-01 a time zone)
fails here without anyone listing it.
"""

import importlib
import pkgutil

from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.fields import DateTimeField, DateTimeLocalField, TimeField
from wtforms.fields.core import UnboundField

import modules
import parkops

OUT_OF_RANGE = ("1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31", "1900-01-01")
MESSAGE = "Enter a date between 2000 and 2100."


def _all_forms() -> list[type[FlaskForm]]:
    for package in (parkops, modules):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if info.name.rsplit(".", 1)[-1].endswith("forms"):
                importlib.import_module(info.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith(("parkops.", "modules.")):
            found.append(cls)
    return found


def _date_fields() -> list[tuple[type[FlaskForm], str, type]]:
    """(form class, field name, field class) of every date or date-and-time field."""
    fields = set()
    for form in _all_forms():
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            kind = unbound.field_class
            if issubclass(kind, DateTimeField) and not issubclass(kind, TimeField):
                fields.add((form, name, kind))
    return sorted(fields, key=lambda f: (f[0].__module__, f[0].__qualname__, f[1]))


DATE_FIELDS = _date_fields()


def test_the_walk_finds_the_forms_dates():
    # As many as the forms had when DayField came (27 typed dates and more): the walk
    # must not quietly find nothing.
    assert len(DATE_FIELDS) >= 30
    names = {(f.__name__, n) for f, n, _ in DATE_FIELDS}
    assert {("FacilityForm", "installed_on"), ("InspectionForm", "at")} <= names


def _post(app, form_class, name, text):
    with app.test_request_context(method="POST", data=MultiDict({name: text})):
        form = form_class(meta={"csrf": False})
        field = form[name]
        field.validate(form)
        with force_locale("en"):
            return field, [str(e) for e in field.errors]


def _refusal(app, form_class, name, kind) -> str | None:
    """Why the field fails the rule; None when it keeps it."""
    moment = "T08:30" if issubclass(kind, DateTimeLocalField) else ""
    for day in OUT_OF_RANGE:
        field, errors = _post(app, form_class, name, day + moment)
        if errors != [MESSAGE] or field.data is not None:  # the view saves nothing
            return f"{day}: {errors}"
    field, errors = _post(app, form_class, name, "2024-05-01" + moment)
    if MESSAGE in errors or field.data is None:
        return f"2024-05-01 refused: {errors}"
    with app.test_request_context():
        html = str(form_class(meta={"csrf": False})[name]())
    if 'min="2000-01-01' not in html or 'max="2100-12-31' not in html:
        return f"no min and max for the picker: {html}"
    return None


def test_every_form_date_outside_2000_to_2100_is_refused_on_the_field(app):
    # One app for the whole walk: a fresh one per field would take a minute.
    refused = {
        f"{form.__module__}.{form.__qualname__}.{name}": _refusal(app, form, name, kind)
        for form, name, kind in DATE_FIELDS
    }
    assert {field: why for field, why in refused.items() if why} == {}

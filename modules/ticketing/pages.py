"""Paths of ticketing pages, built without a request (services run in jobs and
commands too): where a service's result leads, and so where a repeated post lands."""

from flask import current_app

from modules.ticketing.models import Shift, TicketDay


def page_path(endpoint: str, anchor: str = "", **values) -> str:
    """The path of a ticketing page, e.g. ``/ticketing/days/3#money``."""
    return current_app.url_map.bind("").build(endpoint, values) + anchor


def shift_path(shift: Shift) -> str:
    return page_path("ticketing.shift", id=shift.id)


def day_path(day: TicketDay, anchor: str = "") -> str:
    return page_path("ticketing.day", anchor, id=day.id)

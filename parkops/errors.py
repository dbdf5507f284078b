"""Friendly error pages in the user's language."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from parkops.extensions import db


def _page(code: int):
    def handler(error):
        if code == 500:
            db.session.rollback()
        return render_template("errors/error.html", code=code, error=error), code

    return handler


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, _page(code))
    app.register_error_handler(CSRFError, _page(400))

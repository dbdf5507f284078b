"""Templates translate with the request's catalog, found once per request and locale."""

from flask import render_template_string, session
from flask_babel import force_locale


def test_a_force_locale_block_inside_a_request_renders_in_its_own_language(app):
    page = "{{ _('Home') }}"
    with app.test_request_context("/"):
        session["locale"] = "en"
        assert render_template_string(page) == "Home"
        with force_locale("zh"):  # as an e-mail to a Chinese reader, sent from the request
            assert render_template_string(page) == "首页"
        assert render_template_string(page) == "Home"

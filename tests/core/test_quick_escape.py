"""Templates escape their output through quick_escape: the same text as markupsafe's."""

import enum
from datetime import date

import pytest
from flask import render_template_string
from markupsafe import Markup, escape

from parkops.quick_escape import quick_escape


class Colour(enum.IntEnum):
    RED = 1


class Shown:
    def __html__(self):
        return "<b>shown</b>"

    def __str__(self):
        return "<i>str</i>"


VALUES = [
    "",
    "plain",
    "南门广场绿地 & <b>'x'</b> \"y\"",
    0,
    -12,
    2**70,
    True,
    1.5,
    None,
    Colour.RED,
    date(2026, 12, 1),
    Markup("<em>kept</em>"),
    Shown(),
    type("S", (str,), {})("<sub>"),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_quick_escape_gives_markupsafes_text_and_type(value):
    quick, slow = quick_escape(value), escape(value)
    assert str(quick) == str(slow) and type(quick) is Markup


def test_templates_output_the_same_html_as_with_markupsafes_escape(app):
    page = (
        "{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e|upper }}|{{ f }}|{{ g }}"
        "{% macro m(x) %}<p>{{ x }}</p>{% endmacro %}{{ m(a) }}"
        "{% autoescape false %}{{ a }}{% endautoescape %}"
    )
    values = dict(a="<a href='x'>&</a>", b=42, c=Markup("<br>"), d=None, e="<q>", f=True, g=Shown())
    with app.test_request_context("/"):
        assert app.jinja_env.code_generator_class.__name__ == "QuickEscapeGenerator"
        assert render_template_string(page, **values) == (
            "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;|42|<br>|None|&lt;Q&gt;|True|<b>shown</b>"
            "<p>&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;</p>"
            "<a href='x'>&</a>"
        )

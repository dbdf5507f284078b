"""``url_pattern``: a list's per-row links built once per page give url_for's URLs."""

import pytest
from flask import render_template_string, url_for

from parkops.templating import url_pattern


@pytest.mark.parametrize("user_id", [1, 7, 42, 123456, 2_147_483_647])
def test_a_url_pattern_gives_url_fors_url_in_the_middle_and_with_query_arguments(app, user_id):
    with app.test_request_context("/", base_url="http://example.test/parkops"):
        edit = url_pattern("admin.edit_user", "user_id")
        assert edit(user_id) == url_for("admin.edit_user", user_id=user_id)
        change = url_pattern("admin.set_user_active", "user_id", change="deactivate", page=3)
        expected = url_for("admin.set_user_active", user_id=user_id, change="deactivate", page=3)
        assert change(user_id) == expected and "/parkops/admin/users/" in expected


def test_a_url_pattern_takes_only_integers_in_a_route_or_a_query_argument(app):
    with app.test_request_context("/"):
        edit = url_pattern("admin.edit_user", "user_id")
        with pytest.raises(ValueError):
            edit('1"><script>')
        assert url_pattern("people.search_people", "q")(12) == url_for("people.search_people", q=12)


def test_templates_build_row_links_with_url_pattern(app):
    page = "{% set edit = url_pattern('admin.edit_user', 'user_id', a=1, b=2) %}{{ edit(5) }}"
    with app.test_request_context("/"):
        assert render_template_string(page) == "/admin/users/5?a=1&amp;b=2"  # escaped as usual

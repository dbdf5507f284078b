"""Module settings: declared in the spec, checked at start-up, read through one
accessor; business rules changed on /settings/<module> by the spec's permission."""

import pytest
from sqlalchemy import select

from parkops import create_app, module_settings
from parkops.audit import AuditEntry
from parkops.extensions import db

EXAMPLE = "tests.example_module.module"


@pytest.fixture
def app(make_app):
    app = make_app(MODULES=[EXAMPLE], EXAMPLE_BATCH_SIZE="75")
    with app.app_context():
        yield app


def test_config_and_database_settings_are_read_through_one_accessor(app):
    assert module_settings.get("example.batch_size") == 75  # from config, typed
    assert module_settings.get("example.label_font") == ""  # the default
    assert module_settings.get("example.summary_max") == 200  # database, not yet stored
    assert module_settings.get("example.strict") is False


def test_a_wrong_config_value_stops_the_start_naming_setting_and_value(tmp_path):
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t", "MODULES": [EXAMPLE]}
    with pytest.raises(module_settings.SettingError, match=r"example\.batch_size: 'many'"):
        create_app({**config, "EXAMPLE_BATCH_SIZE": "many"})


def test_the_environment_sets_a_config_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PARKOPS_EXAMPLE_BATCH_SIZE", "12")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t", "MODULES": [EXAMPLE]})
    with app.app_context():
        assert module_settings.get("example.batch_size") == 12


def test_the_office_changes_a_business_rule_on_the_settings_page(client, login, make_user):
    login(make_user("office1", ["office"]))
    client.post("/language/en")
    page = client.get("/settings/example").get_data(as_text=True)
    assert "Longest finding summary" in page and "Rows written per batch" not in page
    assert 'href="/settings/example" aria-current="page">Rules</a>' in page  # its sub-nav tab
    response = client.post("/settings/example", data={"summary_max": "80", "strict": "true"})
    assert response.status_code == 303
    assert module_settings.get("example.summary_max") == 80
    assert module_settings.get("example.strict") is True
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "settings.changed"


def test_a_wrong_value_answers_422_and_changes_nothing(client, login, make_user):
    login(make_user("office1", ["office"]))
    client.post("/language/en")
    response = client.post("/settings/example", data={"summary_max": "eighty", "strict": "true"})
    assert response.status_code == 422
    assert "Not a valid value: eighty" in response.get_data(as_text=True)
    assert module_settings.get("example.summary_max") == 200
    assert module_settings.get("example.strict") is False


def test_only_the_specs_permission_may_change_settings(client, login, make_user):
    login(make_user("crew1", ["crew"]))
    assert client.get("/settings/example").status_code == 403
    assert client.post("/settings/example", data={"summary_max": "1"}).status_code == 403
    assert module_settings.get("example.summary_max") == 200
    assert client.get("/settings/nothing").status_code == 404

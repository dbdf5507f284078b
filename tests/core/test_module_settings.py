"""Module settings: declared in the spec, checked at start-up, read through one
accessor; business rules changed on /settings/<module> by the spec's permission."""

import pytest
from sqlalchemy import select

from parkops import create_app, module_settings
from parkops.audit import AuditEntry
from parkops.extensions import db

EXAMPLE = "tests.example_module.module"
# The whole rules form as the page posts it (an unticked box is left out).
RULES = {"summary_max": "200", "fine_fen": "50.00", "fine_cap_fen": "500.00"}


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
    response = client.post(
        "/settings/example", data={**RULES, "summary_max": "80", "strict": "true"}
    )
    assert response.status_code == 303
    assert module_settings.get("example.summary_max") == 80
    assert module_settings.get("example.strict") is True
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "settings.changed"


def test_a_wrong_value_answers_422_and_changes_nothing(client, login, make_user):
    login(make_user("office1", ["office"]))
    client.post("/language/en")
    response = client.post(
        "/settings/example", data={**RULES, "summary_max": "eighty", "strict": "true"}
    )
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


def test_an_amount_is_typed_in_yuan_kept_in_fen_and_shown_in_yuan(client, login, make_user):
    login(make_user("office1", ["office"]))
    client.post("/language/en")
    assert 'name="fine_fen" value="50.00" inputmode="decimal"' in client.get(
        "/settings/example"
    ).get_data(as_text=True)
    data = {**RULES, "fine_fen": "12.50", "fine_cap_fen": "1,234.50"}
    assert client.post("/settings/example", data=data).status_code == 303
    assert module_settings.get("example.fine_fen") == 1_250
    assert module_settings.get("example.fine_cap_fen") == 123_450
    page = client.get("/settings/example").get_data(as_text=True)
    assert 'name="fine_fen" value="12.50"' in page
    assert 'name="fine_cap_fen" value="1234.50"' in page
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.details["example.fine_fen"] == "¥12.50"  # in the audit log: yuan, as ¥…
    assert entry.details["example.fine_cap_fen"] == "¥1,234.50"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12,5", "Not an amount in yuan (e.g. 1,234.50)."),  # a decimal comma, never ¥125
        ("12.505", "Not an amount in yuan (e.g. 1,234.50)."),
        ("-1", "The amount cannot be negative."),
        ("10000000.01", "The amount is too large."),
        ("", "Not an amount in yuan (e.g. 1,234.50)."),
    ],
)
def test_an_amount_that_is_not_yuan_is_refused_with_its_reason(
    client, login, make_user, typed, reason
):
    login(make_user("office1", ["office"]))
    client.post("/language/en")
    response = client.post("/settings/example", data={**RULES, "fine_fen": typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page.replace("&#39;", "'")
    assert f'name="fine_fen" value="{typed}"' in page  # what was typed stays to be corrected
    assert module_settings.get("example.fine_fen") == 5_000


def test_the_specs_check_refuses_settings_that_contradict_each_other(client, login, make_user):
    login(make_user("office1", ["office"]))
    client.post("/language/en")
    data = {**RULES, "summary_max": "90", "fine_fen": "600", "fine_cap_fen": "500"}
    response = client.post("/settings/example", data=data)
    assert response.status_code == 422
    assert "The monthly cap cannot be below one fine." in response.get_data(as_text=True)
    assert module_settings.get("example.fine_fen") == 5_000  # nothing stored, not even
    assert module_settings.get("example.summary_max") == 200  # the values that were right
    assert not db.session.scalars(select(AuditEntry).filter_by(action="settings.changed")).all()
    data = {**RULES, "fine_fen": "500", "fine_cap_fen": "500"}
    assert client.post("/settings/example", data=data).status_code == 303


def test_the_check_weighs_a_new_value_against_the_stored_ones(app, make_user):
    office = make_user("office1", ["office"])
    module_settings.save("example", {"fine_cap_fen": "100"}, office)
    with pytest.raises(module_settings.SettingError) as refused:
        module_settings.save("example", {"fine_fen": "100.01"}, office)
    assert refused.value.problems == ["The monthly cap cannot be below one fine."]
    assert module_settings.get("example.fine_fen") == 5_000


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400"])
def test_a_number_setting_refuses_what_is_no_finite_number(text):
    setting = module_settings.Setting("ratio", float, 1.0, "a ratio")
    with pytest.raises(module_settings.SettingError):
        module_settings.parse(setting, "demo.ratio", text)
    assert module_settings.parse(setting, "demo.ratio", "2.5") == 2.5

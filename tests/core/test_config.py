"""Settings come from defaults, instance/config.py, then PARKOPS_* variables."""

from flask import request

from parkops import create_app


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("PARKOPS_PORT", "8080")
    monkeypatch.setenv("PARKOPS_HOST", "192.0.2.10")
    monkeypatch.setenv("PARKOPS_SMTP_STARTTLS", "yes")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["PORT"] == 8080
    assert app.config["SMTP_STARTTLS"] is True
    assert app.config["BASE_URL"] == "http://192.0.2.10:8080"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'parkops.db'}"


def test_instance_config_file_is_read(tmp_path):
    (tmp_path / "config.py").write_text('BASE_URL = "https://park.example.cn/"\n')
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["BASE_URL"] == "https://park.example.cn"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # https: cookies are Secure


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) == 64


def test_behind_a_proxy_the_client_address_comes_from_its_header(make_app):
    app = make_app(PROXY_COUNT=1)
    seen = []

    @app.route("/whoami")
    def whoami():
        seen.append(request.remote_addr)
        return ""

    whoami.parkops_access = ("public",)
    app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert seen == ["203.0.113.7"]


def test_a_proxy_count_from_the_environment_is_a_number_and_trusted(make_app, monkeypatch):
    """PARKOPS_PROXY_COUNT=1, as the README's nginx setup says: the visitor's address, not
    nginx's, is what the rate limits count."""
    monkeypatch.setenv("PARKOPS_PROXY_COUNT", "1")
    app = make_app()
    assert app.config["PROXY_COUNT"] == 1
    seen = []

    @app.route("/whoami")
    def whoami():
        seen.append(request.remote_addr)
        return ""

    whoami.parkops_access = ("public",)
    app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert seen == ["203.0.113.7"]

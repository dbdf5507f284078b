"""Settings come from defaults, instance/config.py, then PARKOPS_* variables."""

import secrets

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
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_workers_starting_at_once_share_one_secret_key(tmp_path, monkeypatch):
    """Another worker writes the key while this one makes its own: the other's is kept and
    used by both (the bench's two workers once signed sessions with two keys)."""
    made = secrets.token_hex

    def made_while_another_worker_wrote(n):
        for name in ("secret_key", "audit_key"):
            if not (tmp_path / name).exists():
                (tmp_path / name).write_text(f"the other worker's {name}")
                break
        return made(n)

    monkeypatch.setattr(secrets, "token_hex", made_while_another_worker_wrote)
    config = create_app({"INSTANCE_PATH": str(tmp_path)}).config
    assert config["SECRET_KEY"] == "the other worker's secret_key"
    assert config["AUDIT_KEY"] == "the other worker's audit_key"
    assert (tmp_path / "secret_key").read_text() == "the other worker's secret_key"


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

"""Tests hash passwords cheaply; a real installation never does."""

from parkops import create_app
from parkops.auth.models import User


def test_the_test_factory_uses_the_cheap_hash(make_user):
    user = make_user("cheap")
    assert user.password_hash.startswith("pbkdf2:sha256:1$")
    assert user.check_password("correct horse battery")


def test_an_app_that_is_not_testing_ignores_the_cheap_hash(tmp_path):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "t",
            "TEST_PASSWORD_HASH": "pbkdf2:sha256:1",
        }
    )
    with app.app_context():
        user = User(username="real", display_name="Real")
        user.set_password("correct horse battery")
    assert user.password_hash.startswith("scrypt:")

"""The attachment tests run every case against the instance folder and an S3 bucket
(moto's server on loopback), with the services' messages read in English."""

import pytest
from flask_babel import force_locale


@pytest.fixture(params=["folder", "s3"])
def storage(request) -> dict:
    """The settings of each store: none for the folder, a fresh bucket for S3."""
    return request.getfixturevalue("s3_settings") if request.param == "s3" else {}


@pytest.fixture
def app(make_app, storage):
    app = make_app(**storage)
    with app.app_context():
        yield app


@pytest.fixture(autouse=True)
def _english(app):
    """Services raise their messages outside a request: read them in English here."""
    with force_locale("en"):
        yield

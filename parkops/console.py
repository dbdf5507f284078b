"""The ``parkops`` console script: Flask's CLI bound to the ParkOps factory."""

from flask.cli import FlaskGroup

from parkops.app import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, help="ParkOps park operations management.")()

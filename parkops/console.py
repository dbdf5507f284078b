"""The ``parkops`` console script: Flask's CLI bound to the ParkOps factory.

Flask's ``run`` (the development server) is left out: ParkOps serves with
``parkops serve`` (waitress). ``shell`` and ``routes`` stay for operators.
"""

from flask.cli import FlaskGroup, routes_command, shell_command

from parkops.app import create_app


def cli() -> FlaskGroup:
    group = FlaskGroup(
        create_app=create_app,
        add_default_commands=False,
        help="ParkOps park operations management.",
    )
    group.add_command(shell_command)
    group.add_command(routes_command)
    return group


def main() -> None:
    cli()()

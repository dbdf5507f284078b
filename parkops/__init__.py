"""ParkOps: park operations management tied to the rectification ledger."""

from parkops.app import create_app

__all__ = ["create_app"]

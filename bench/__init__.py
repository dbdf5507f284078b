"""``make bench``: ParkOps under load on the loopback interface.

Builds an installation with a realistic amount of data, serves it with
``parkops serve`` (waitress, the production threads setting) in a subprocess,
and measures each scenario's pages against the bare ``/healthz`` route of the same
server. See bench/README.md.
"""

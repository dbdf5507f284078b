"""Operational modules, one package each; loaded by name from PARKOPS_MODULES."""

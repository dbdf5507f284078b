"""The rectification ledger: the spine every operational record links back to."""

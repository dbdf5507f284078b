"""Facilities: QR labels, patrol inspections and repair orders (problem 14)."""

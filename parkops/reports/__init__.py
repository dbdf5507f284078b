"""Rectification reports: the weekly progress report (周报) and the public notice (整改情况通报)."""

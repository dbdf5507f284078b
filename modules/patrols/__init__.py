"""Patrols: supervisors' checklists on a phone, routes with checkpoints, runs (#12)."""

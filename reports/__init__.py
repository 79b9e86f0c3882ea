"""Outcome reporting: indicators, roll-ups, dashboards and exports (issue: Reporting)."""

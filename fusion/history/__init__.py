"""Vessel history (issue 9): alerts, verdicts, snoozes, notes and identities in a database."""

"""Unit tests: the pure rules, the UI builders, settings and error classification; no
database, no network."""

"""Persistence: ORM models, engine and session setup, migrations."""

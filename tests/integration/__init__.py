"""Integration tests: the store, claims and use cases on a real database (SQLite, or
PostgreSQL via TEST_DATABASE_URL)."""

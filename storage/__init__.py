"""Persistence: tables, queries, engine, migrations."""

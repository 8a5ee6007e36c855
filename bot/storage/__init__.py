"""Persistence: SQLAlchemy models, Alembic migrations and the one data-access module."""

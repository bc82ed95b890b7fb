"""Persistence: SQLAlchemy rows, repositories, the unit of work, migrations and blob storage."""

__all__: list[str] = []

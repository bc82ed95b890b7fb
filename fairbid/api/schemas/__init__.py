"""Request and response schemas, split by direction (``...In`` / ``...Out``)."""

__all__: list[str] = []

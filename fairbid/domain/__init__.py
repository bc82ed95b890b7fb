"""Pure rules and calculations: no I/O, no clock, no database; deterministic."""

__all__: list[str] = []

"""Fairbid: machine-managed public tendering (机器管招投标)."""

__all__ = ["__version__"]

__version__ = "0.1.0"

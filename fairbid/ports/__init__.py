"""The ports services depend on (``typing.Protocol``s): the unit of work and its repositories, by context, and
the platform's adapters. ``fairbid.store`` and ``fairbid.clock`` implement them; ``tests/fakes.py`` in memory."""

from fairbid.ports.platform import BlobStore, Clock, RandomSource, UploadsInCheck
from fairbid.ports.uow import UnitOfWork

__all__ = ["BlobStore", "Clock", "RandomSource", "UnitOfWork", "UploadsInCheck"]

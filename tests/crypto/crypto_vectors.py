"""Reads the known-answer vector files in tests/crypto/vectors/."""

from __future__ import annotations

from pathlib import Path

VECTORS = Path(__file__).parent / "vectors"


def read_vectors(name: str) -> list[dict[str, str]]:
    """Blocks of ``key = value`` lines separated by blank lines; ``#`` lines are provenance comments."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in (VECTORS / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                blocks.append(current)
            current = {}
            continue
        key, _, value = line.partition(" = ")
        current[key.strip()] = value.strip()
    if current:
        blocks.append(current)
    return blocks

"""Validate OCDS release and record packages with ``jsonschema`` against the shipped schemas, offline.

The release schema is OCDS 1.1.5 with Fairbid's extension patch applied (JSON Merge Patch, RFC 7386, the way OCDS
applies extensions); every ``$ref`` resolves inside ``schema/`` (see its README): nothing is fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

__all__ = [
    "RECORD_URI",
    "RELEASE_URI",
    "SCHEMA_DIR",
    "SchemaError",
    "merge_patch",
    "release_schema",
    "validate_record_package",
    "validate_release_package",
]

SCHEMA_DIR = Path(__file__).parent / "schema"
RELEASE_URI = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
RECORD_URI = "https://standard.open-contracting.org/schema/1__2__0/record-schema.json"  # as 1.1.5's package names it


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One validation error: where (a JSON path) and what."""

    path: str
    message: str


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: objects merge key by key, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


@cache
def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 release schema with Fairbid's extension patch applied."""
    patched: dict[str, Any] = merge_patch(_load("release-schema.json"), _load("fairbid-extension-schema.json"))
    return patched


@cache
def _registry() -> Registry[Any]:
    record = _load("record-schema.json")
    release = Resource.from_contents(release_schema(), default_specification=DRAFT4)
    record_resource = Resource.from_contents(record, default_specification=DRAFT4)
    return Registry().with_resources(
        [(RELEASE_URI, release), (RECORD_URI, record_resource), (str(record["id"]), record_resource)]
    )


def _errors(schema_name: str, document: Any) -> list[SchemaError]:
    validator = Draft4Validator(_load(schema_name), registry=_registry())
    found = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [SchemaError("/" + "/".join(map(str, e.absolute_path)), e.message) for e in found]


def validate_release_package(package: Any) -> list[SchemaError]:
    """Every error of ``package`` against the release package schema (empty when valid)."""
    return _errors("release-package-schema.json", package)


def validate_record_package(package: Any) -> list[SchemaError]:
    """Every error of ``package`` against the record package schema (empty when valid)."""
    return _errors("record-package-schema.json", package)

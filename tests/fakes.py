"""An in-memory unit of work, for service tests where the database is not the point.

It implements the parts of ``fairbid.ports.UnitOfWork`` the tendering and parties services use, with the same
transaction semantics the SQL one has: what a ``with uow:`` block changes is visible to later units of work only
after ``commit()``; leaving the block without it discards everything, the ledger entries included. Versioned
aggregates (sections) refuse a stale save with ``Conflict``. Anything it does not implement raises
``NotImplementedError`` naming the repository, so a test never silently passes through a hole.
"""

from __future__ import annotations

import copy
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self

from fairbid.domain.actor import Actor
from fairbid.domain.errors import Conflict, NotFound
from fairbid.domain.party import Organisation, Project, User
from fairbid.domain.section import DocumentVersion, Section, next_check
from fairbid.domain.terms import TenderTerms, terms_from_json, terms_to_json
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType

__all__ = ["FakeStore", "FakeUnitOfWork", "RecordedEntry"]


@dataclass(frozen=True, slots=True)
class RecordedEntry:
    """What a service asked the ledger to record (the chain and Merkle log are the SQL store's business)."""

    seq: int
    actor: Actor
    action: str
    subject_type: str
    subject_id: str
    payload: dict[str, Any]
    snapshot: dict[str, Any] | None
    recorded_at: datetime


@dataclass
class _State:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, tuple[User, str]] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    seeds: dict[str, str] = field(default_factory=dict)
    documents: list[DocumentVersion] = field(default_factory=list)
    terms: list[tuple[str, int, dict[str, Any], str]] = field(default_factory=list)  # section, version, json, sm3
    ledger: list[RecordedEntry] = field(default_factory=list)


class MemoryBlobStore:
    """Content-addressed bytes in a dict (SHA-256 here: the digest's algorithm is not what these tests check)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[str, int]:
        data = stream.read()
        if max_bytes is not None and len(data) > max_bytes:
            raise ValueError("over the size limit")
        return self.put_bytes(data), len(data)

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.files[digest] = data
        return digest

    def open(self, digest: str) -> BinaryIO:
        return io.BytesIO(self.read(digest))

    def read(self, digest: str) -> bytes:
        if digest not in self.files:
            raise NotFound(f"No file {digest}.")
        return self.files[digest]

    def exists(self, digest: str) -> bool:
        return digest in self.files

    def iter_chunks(self, digest: str, chunk_size: int = 1 << 20) -> Any:
        data = self.read(digest)
        return (data[i : i + chunk_size] for i in range(0, len(data), chunk_size))

    def adopt(self, path: Path, digest: str) -> None:
        self.files[digest] = path.read_bytes()

    @property
    def tmp_dir(self) -> Path:
        raise NotImplementedError("MemoryBlobStore has no spool folder")


class FakeStore:
    """The committed state every ``FakeUnitOfWork`` starts from."""

    def __init__(self) -> None:
        self.state = _State()
        self.blobs = MemoryBlobStore()

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    @property
    def ledger(self) -> list[RecordedEntry]:
        return self.state.ledger


class _Organisations:
    def __init__(self, s: _State) -> None:
        self.s = s

    def add(self, org: Organisation, *, now: datetime) -> None:
        self.s.organisations[org.id] = org

    def by_credit_code(self, code: str) -> Organisation | None:
        return next((o for o in self.s.organisations.values() if o.credit_code == code), None)

    def get(self, org_id: str) -> Organisation:
        if org_id not in self.s.organisations:
            raise NotFound(f"No organisation with id {org_id}.")
        return self.s.organisations[org_id]

    def names(self, ids: Any) -> dict[str, Organisation]:
        return {i: self.s.organisations[i] for i in ids if i in self.s.organisations}


class _Users:
    def __init__(self, s: _State) -> None:
        self.s = s

    def add(self, user: User, *, password_hash: str, now: datetime) -> None:
        self.s.users[user.id] = (user, password_hash)

    def get(self, user_id: str) -> User:
        if user_id not in self.s.users:
            raise NotFound(f"No user with id {user_id}.")
        return self.s.users[user_id][0]

    def by_username(self, username: str) -> tuple[User, str] | None:
        return next((u for u in self.s.users.values() if u[0].username == username), None)


class _Projects:
    def __init__(self, s: _State) -> None:
        self.s = s

    def add(self, project: Project) -> None:
        self.s.projects[project.id] = project

    def code_taken(self, code: str) -> bool:
        return any(p.code == code for p in self.s.projects.values())

    def get(self, project_id: str) -> Project:
        if project_id not in self.s.projects:
            raise NotFound(f"No project with id {project_id}.")
        return self.s.projects[project_id]


class _Sections:
    def __init__(self, s: _State) -> None:
        self.s = s

    def add(self, section: Section, *, now: datetime) -> None:
        section.version = 1
        self.s.sections[section.id] = copy.deepcopy(section)

    def get(self, section_id: str, *, for_update: bool = False) -> Section:
        if section_id not in self.s.sections:
            raise NotFound(f"No section with id {section_id}.")
        return copy.deepcopy(self.s.sections[section_id])

    def code_taken(self, code: str) -> bool:
        return any(x.code == code for x in self.s.sections.values())

    def save(self, section: Section) -> None:
        stored = self.s.sections[section.id]
        if stored.version != section.version:
            raise Conflict(f"Section {section.code} was changed by someone else; reload and try again.")
        section.version += 1
        self.s.sections[section.id] = copy.deepcopy(section)

    def seed(self, section_id: str) -> str | None:
        return self.s.seeds.get(section_id)

    def set_seed(self, section_id: str, seed: str) -> None:
        self.s.seeds[section_id] = seed

    def due_ids(self, now: datetime) -> list[str]:
        return sorted(i for i, x in self.s.sections.items() if (due := next_check(x)) is not None and due <= now)

    def next_check_of(self, section_id: str) -> datetime | None:
        return next_check(self.s.sections[section_id])

    def list_all(self) -> list[Section]:
        return [copy.deepcopy(x) for x in self.s.sections.values()]

    def list_public(self, limit: int = 200) -> list[Section]:
        return [x for x in self.list_all() if x.status.value not in ("draft", "checked")][:limit]


class _Documents:
    def __init__(self, s: _State) -> None:
        self.s = s

    def add(self, doc: DocumentVersion) -> None:
        self.s.documents.append(doc)

    def in_section(self, section_id: str) -> list[DocumentVersion]:
        return [d for d in self.s.documents if d.section_id == section_id]


class _Terms:
    def __init__(self, s: _State) -> None:
        self.s = s

    def add(self, section_id: str, version_no: int, terms: TenderTerms, *, digest: str, now: datetime) -> None:
        self.s.terms.append((section_id, version_no, terms_to_json(terms), digest))

    def latest(self, section_id: str) -> tuple[int, TenderTerms, str] | None:
        rows = [t for t in self.s.terms if t[0] == section_id]
        if not rows:
            return None
        _, version, data, digest = max(rows, key=lambda t: t[1])
        return version, terms_from_json(data), digest

    def pinned(self, section_id: str, digest: str) -> TenderTerms:
        found = self.stored(section_id, digest)
        if found is None:
            raise NotFound(f"Section {section_id} has no stored terms with digest {digest[:16]}….")
        return terms_from_json(found)

    def stored(self, section_id: str, digest: str) -> dict[str, Any] | None:
        return next((copy.deepcopy(t[2]) for t in self.s.terms if t[0] == section_id and t[3] == digest), None)


class _Missing:
    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attr: str) -> Any:
        raise NotImplementedError(f"FakeUnitOfWork has no {self.name} repository ({self.name}.{attr})")


class FakeUnitOfWork:
    """``with uow: …; uow.commit()`` over a ``FakeStore``, as ``fairbid.ports.UnitOfWork`` promises."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self.committed = False
        self.blobs = store.blobs

    def __enter__(self) -> Self:
        self._work = copy.deepcopy(self._store.state)
        s = self._work
        self.organisations, self.users, self.projects = _Organisations(s), _Users(s), _Projects(s)
        self.sections, self.documents, self.terms = _Sections(s), _Documents(s), _Terms(s)
        for missing in ("keys", "bids", "openings", "experts", "venues", "committees", "sheets", "session_actions"):
            setattr(self, missing, _Missing(missing))
        for missing in ("score_warnings", "scores", "candidates", "objections", "collusion_warnings", "ledger"):
            setattr(self, missing, _Missing(missing))
        for missing in ("heads", "sealed", "marks"):
            setattr(self, missing, _Missing(missing))
        self.committed = False
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        del self._work

    def commit(self) -> None:
        self._store.state = self._work
        self._work = copy.deepcopy(self._work)  # later changes in the block need another commit
        self.committed = True

    def flush(self) -> None:
        pass

    def read_only(self) -> None:
        pass

    def record(
        self,
        *,
        actor: Actor,
        action: LedgerAction,
        subject_type: SubjectType,
        subject_id: str,
        payload: dict[str, Any],
        now: datetime,
        snapshot: dict[str, Any] | None = None,
    ) -> int:
        seq = len(self._work.ledger)
        entry = RecordedEntry(seq, actor, action.value, str(subject_type), subject_id, payload, snapshot, now)
        self._work.ledger.append(entry)
        return seq

    def sealed_anchor(self, section_id: str) -> str:
        return hashlib.sha256(f"anchor:{section_id}".encode()).hexdigest()

    def record_sealed(self, **_: Any) -> str:
        raise NotImplementedError("FakeUnitOfWork keeps no sealed entries")

    def release_sealed(self, section_id: str) -> str:
        raise NotImplementedError("FakeUnitOfWork keeps no sealed entries")

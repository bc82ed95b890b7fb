"""The tamper-evident audit log (全程留痕): hash-chained entries, Merkle proofs, signed heads."""

from fairbid.ledger.chain import (
    GENESIS_HASH,
    ChainBreak,
    EntryContent,
    LedgerAction,
    entry_hash,
    payload_digest,
    subject_digest,
    verify_chain,
)

__all__ = [
    "GENESIS_HASH",
    "ChainBreak",
    "EntryContent",
    "LedgerAction",
    "entry_hash",
    "payload_digest",
    "subject_digest",
    "verify_chain",
]

"""Collusion signals within one section at the opening (围标串标预警, 条例 第四十条 and 第三十四条).

Pure and deterministic: no I/O, no clock, no randomness; Chinese segmentation is passed in by the caller.
Signals are clues for the evaluation committee and the supervisor, never proof and never shown to bidders.
"""

from fairbid.domain.collusion.minhash import (
    LshIndex,
    estimate_jaccard,
    hamming,
    jaccard,
    minhash_signature,
    shingle_hashes,
    simhash,
)
from fairbid.domain.collusion.model import (
    ADVISORY,
    AUDIENCE,
    CITATIONS,
    BidFacts,
    BoqLine,
    CollusionSignalRaised,
    SignalCode,
    Strength,
)
from fairbid.domain.collusion.signal import detect_section_signals

__all__ = [
    "ADVISORY",
    "AUDIENCE",
    "CITATIONS",
    "BidFacts",
    "BoqLine",
    "CollusionSignalRaised",
    "LshIndex",
    "SignalCode",
    "Strength",
    "detect_section_signals",
    "estimate_jaccard",
    "hamming",
    "jaccard",
    "minhash_signature",
    "shingle_hashes",
    "simhash",
]

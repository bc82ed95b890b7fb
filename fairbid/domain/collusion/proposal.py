"""Near-identical technical proposals within one section, with the passages that give them away.

Each proposal becomes 5-token shingles (tokens from the bid, or from the caller's segmenter), minus the
shingles of the tender document (which every bidder may repeat). MinHash + LSH (``minhash``) proposes
candidate pairs at a threshold lowered by ``_SLACK`` for recall; each candidate is then checked with the
exact Jaccard similarity of the two shingle sets. Evidence for a flagged pair:

- the exact Jaccard, the MinHash estimate and the SimHash Hamming distance;
- **shared rare passages**: the longest runs of text the two bids share and no other bid (nor the tender
  document) contains;
- **shared rare tokens**: words used by these two bids only, the usual trace of a copied typo or slip.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from fairbid.domain.collusion.minhash import (
    LshIndex,
    estimate_jaccard,
    hamming,
    jaccard,
    minhash_signature,
    shingle_hashes,
    shingle_sequence,
    simhash,
)
from fairbid.domain.collusion.model import BidFacts

__all__ = ["proposal_tokens", "similar_proposals"]

K = 5
_SLACK = 0.15
_PASSAGES = 3
_PASSAGE_CHARS = 80
_RARE_TOKENS = 10


def proposal_tokens(bid: BidFacts, segment: Callable[[str], Sequence[str]] | None) -> list[str]:
    """The bid's tokens: given, or segmented by ``segment``, or its non-space characters."""
    if bid.proposal_tokens is not None:
        return [t for t in bid.proposal_tokens if t.strip()]
    if not bid.proposal_text:
        return []
    if segment is not None:
        return [t for t in segment(bid.proposal_text) if t.strip()]
    return [ch for ch in bid.proposal_text if not ch.isspace()]


def _joiner(tokens: Sequence[str]) -> str:
    sample = tokens[:200]
    ascii_words = sum(1 for t in sample if t.isascii() and t.isalnum())
    return " " if ascii_words > len(sample) / 2 else ""


def _rare_passages(tokens: Sequence[str], seq: Sequence[int], rare: set[int]) -> list[str]:
    runs: list[tuple[int, int]] = []
    start = None
    for i, h in enumerate(seq):
        if h in rare and start is None:
            start = i
        elif h not in rare and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(seq) - 1))
    runs.sort(key=lambda r: (r[0] - r[1], r[0]))
    join = _joiner(tokens)
    out = []
    for first, last in runs[:_PASSAGES]:
        text = join.join(tokens[first : last + K])
        out.append(text if len(text) <= _PASSAGE_CHARS else text[:_PASSAGE_CHARS] + "…")
    return out


def similar_proposals(
    bids: Sequence[BidFacts],
    *,
    segment: Callable[[str], Sequence[str]] | None,
    exclude_tokens: Sequence[str],
    threshold: float,
) -> list[tuple[str, str, list[str]]]:
    """Pairs ``(bidder_a, bidder_b, evidence)`` whose proposals reach ``threshold`` Jaccard similarity."""
    boilerplate = shingle_hashes(list(exclude_tokens), k=K) if exclude_tokens else frozenset()
    boiler_tokens = set(exclude_tokens)
    tokens: dict[str, list[str]] = {}
    seqs: dict[str, list[int]] = {}
    sets: dict[str, frozenset[int]] = {}
    for bid in sorted(bids, key=lambda b: b.bidder_id):
        toks = proposal_tokens(bid, segment)
        if len(toks) < K:
            continue
        tokens[bid.bidder_id] = toks
        seqs[bid.bidder_id] = shingle_sequence(toks, k=K)
        sets[bid.bidder_id] = frozenset(seqs[bid.bidder_id]) - boilerplate
    if len(sets) < 2:
        return []
    index = LshIndex(threshold=max(0.05, threshold - _SLACK))
    signatures = {}
    for key, shingles in sets.items():
        signatures[key] = minhash_signature(shingles)
        index.add(key, signatures[key])
    shingle_count: Counter[int] = Counter()
    token_count: Counter[str] = Counter()
    for key in sets:
        shingle_count.update(sets[key])
        token_count.update(set(tokens[key]))
    out = []
    for a, b in sorted(index.candidate_pairs(), key=lambda pair: (str(pair[0]), str(pair[1]))):
        ka, kb = str(a), str(b)
        exact = jaccard(sets[ka], sets[kb])
        if exact < threshold:
            continue
        rare = {h for h in sets[ka] & sets[kb] if shingle_count[h] == 2}
        evidence = [
            f"Jaccard similarity of {K}-token shingles {exact:.2f} (MinHash estimate "
            f"{estimate_jaccard(signatures[ka], signatures[kb]):.2f}, SimHash Hamming distance "
            f"{hamming(simhash(sets[ka]), simhash(sets[kb]))}/64), tender-document text excluded",
        ]
        passages = _rare_passages(tokens[ka], seqs[ka], rare)
        if passages:
            evidence.append("passages found in these two bids only: " + " | ".join(f"「{p}」" for p in passages))
        only_two = sorted(
            (t for t in set(tokens[ka]) & set(tokens[kb]) if token_count[t] == 2 and t not in boiler_tokens),
            key=lambda t: (-len(t), t),
        )[:_RARE_TOKENS]
        if only_two and len(sets) > 2:
            evidence.append("words used by these two bids only (possible shared errors): " + "、".join(only_two))
        out.append((ka, kb, evidence))
    return out

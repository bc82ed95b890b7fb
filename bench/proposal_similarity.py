"""Pairwise proposal similarity for 500 bids of 100 pages each: our pure-Python MinHash/LSH vs datasketch.

Run: ``python bench/proposal_similarity.py [--bids 500] [--pages 100] [--seed 7]``

The proposals are synthetic Chinese text generated deterministically from ``--seed``: sentences drawn from a
fixed construction vocabulary, every proposal quoting the same tender-document passages, and ``--pairs``
planted near-copies (one bid copies another and rewrites 1–10 % of its sentences). Both methods see the
same 5-word shingle sets (segmented with rjieba, tender-document shingles removed). Ground truth is the
exact Jaccard similarity of every pair (a sparse matrix product); recall is over the pairs at or above the
threshold. Two modes per method: LSH at the threshold with the MinHash estimate as the check, and (as the
section detector does) LSH at the threshold lowered by ``--slack`` with the exact Jaccard as the check.
Timings are wall-clock on this machine, one process.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from itertools import combinations

import numpy as np
import rjieba
from datasketch import MinHash, MinHashLSH
from scipy import sparse

from fairbid.domain.collusion.minhash import LshIndex, estimate_jaccard, minhash_signature, shingle_hashes

WORDS = (
    "本工程",
    "施工",
    "质量",
    "安全",
    "进度",
    "管理",
    "措施",
    "保证",
    "体系",
    "组织",
    "机构",
    "人员",
    "配备",
    "材料",
    "设备",
    "机械",
    "投入",
    "计划",
    "环境",
    "保护",
    "文明",
    "现场",
    "混凝土",
    "钢筋",
    "模板",
    "脚手架",
    "基础",
    "主体",
    "结构",
    "装饰",
    "装修",
    "给排水",
    "电气",
    "暖通",
    "消防",
    "道路",
    "桥梁",
    "隧道",
    "排水",
    "绿化",
    "照明",
    "监测",
    "测量",
    "放线",
    "验收",
    "检验",
    "试验",
    "资料",
    "整理",
    "技术",
    "交底",
    "培训",
    "应急",
    "预案",
    "风险",
    "控制",
    "冬季",
    "雨季",
    "夜间",
    "专项",
    "方案",
    "协调",
    "配合",
    "服务",
    "项目部",
    "负责",
    "落实",
    "检查",
    "整改",
    "记录",
    "旁站",
    "监理",
    "业主",
    "设计",
    "变更",
    "签证",
    "计量",
    "支付",
    "工期",
    "节点",
    "目标",
    "合格",
    "优良",
    "创优",
    "标准",
    "规范",
    "要求",
    "严格",
    "执行",
    "确保",
    "满足",
    "及时",
    "有效",
    "全面",
    "重点",
    "难点",
    "分析",
    "对策",
    "流水",
    "作业",
    "分段",
    "交叉",
    "穿插",
    "养护",
    "浇筑",
    "振捣",
    "绑扎",
    "焊接",
    "吊装",
    "运输",
    "堆放",
    "防护",
    "围挡",
    "扬尘",
    "噪声",
    "废水",
    "固废",
    "节能",
    "降耗",
    "信息化",
    "数字化",
    "智慧",
    "工地",
    "班组",
    "工人",
    "实名制",
    "工资",
    "保障",
    "质量员",
    "安全员",
)
PUNCT = "，。；、"
PAGE_CHARS = 500


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return "".join(w + (rng.choice(PUNCT) if rng.random() < 0.2 else "") for w in words) + "。"


def _text(rng: random.Random, chars: int) -> list[str]:
    out, size = [], 0
    while size < chars:
        s = _sentence(rng)
        out.append(s)
        size += len(s)
    return out


def make_proposals(bids: int, pages: int, pairs: int, seed: int) -> tuple[list[str], str, list[tuple[int, int]]]:
    """Proposals, the tender document, and the planted (original, copy) pairs."""
    rng = random.Random(seed)
    tender_doc = _text(random.Random(seed + 1), 20 * PAGE_CHARS)
    docs: list[list[str]] = []
    for _ in range(bids):
        own = _text(rng, int(pages * PAGE_CHARS * 0.9))
        cut = len(own) // 3
        quote = rng.sample(range(len(tender_doc)), k=len(tender_doc) // 4)
        docs.append(own[:cut] + [tender_doc[i] for i in sorted(quote)] + own[cut:])
    planted = []
    originals = rng.sample(range(bids), k=pairs)
    copies = rng.sample([i for i in range(bids) if i not in originals], k=pairs)
    for a, b in zip(originals, copies, strict=True):
        rewrite = rng.uniform(0.01, 0.10)
        docs[b] = [(_sentence(rng) if rng.random() < rewrite else s) for s in docs[a]]
        planted.append((min(a, b), max(a, b)))
    return ["".join(d) for d in docs], "".join(tender_doc), planted


def exact_pairs(sets: list[frozenset[int]], threshold: float) -> dict[tuple[int, int], float]:
    """Exact Jaccard of all pairs via a sparse doc × shingle product; returns pairs ≥ threshold."""
    vocab: dict[int, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for h in s:
            rows.append(i)
            cols.append(vocab.setdefault(h, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(sets), len(vocab)))
    inter = (m @ m.T).toarray()
    sizes = np.array([len(s) for s in sets], dtype=np.float64)
    union = sizes[:, None] + sizes[None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter, dtype=np.float64), where=union > 0)
    return {(i, j): float(jac[i, j]) for i, j in combinations(range(len(sets)), 2) if jac[i, j] >= threshold}


def _pair(a: object, b: object) -> tuple[int, int]:
    i, j = int(str(a)), int(str(b))
    return (i, j) if i < j else (j, i)


def main() -> None:
    """Run the benchmark and print a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bids", type=int, default=500)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--pairs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--perm", type=int, default=128)
    ap.add_argument("--slack", type=float, default=0.15, help="LSH threshold lowered by this, then exact check")
    args = ap.parse_args()

    t = time.perf_counter()
    docs, tender_doc, planted = make_proposals(args.bids, args.pages, args.pairs, args.seed)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    tokens = [[w for w in rjieba.cut(d) if w.strip()] for d in docs]
    boiler = shingle_hashes([w for w in rjieba.cut(tender_doc) if w.strip()])
    t_seg = time.perf_counter() - t
    t = time.perf_counter()
    sets = [shingle_hashes(tok) - boiler for tok in tokens]
    t_shingle = time.perf_counter() - t

    t = time.perf_counter()
    truth = exact_pairs(sets, args.threshold)
    t_exact = time.perf_counter() - t

    t = time.perf_counter()
    sigs = [minhash_signature(s, num_bins=args.perm) for s in sets]
    t_ours_sign = time.perf_counter() - t
    t = time.perf_counter()
    index = LshIndex(threshold=args.threshold, num_bins=args.perm)
    for i, sig in enumerate(sigs):
        index.add(i, sig)
    ours = {_pair(a, b) for a, b, _ in index.similar_pairs()}
    t_ours_query = time.perf_counter() - t

    t = time.perf_counter()
    mhs = []
    for s in sets:
        mh = MinHash(num_perm=args.perm, seed=1)
        mh.update_batch([h.to_bytes(8, "little", signed=True) for h in s])
        mhs.append(mh)
    t_ds_sign = time.perf_counter() - t
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.perm)
    for i, mh in enumerate(mhs):
        lsh.insert(i, mh)
    theirs = set()
    for i, mh in enumerate(mhs):
        for j in lsh.query(mh):
            if j != i and mh.jaccard(mhs[j]) >= args.threshold:
                theirs.add((min(i, j), max(i, j)))
    t_ds_query = time.perf_counter() - t

    # as the section detector does: LSH at threshold − slack for recall, then the exact Jaccard
    low = max(0.05, args.threshold - args.slack)
    t = time.perf_counter()
    loose = LshIndex(threshold=low, num_bins=args.perm)
    for i, sig in enumerate(sigs):
        loose.add(i, sig)
    ours_exact = {
        (i, j)
        for i, j in (_pair(a, b) for a, b in loose.candidate_pairs())
        if len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= args.threshold
    }
    t_ours_exact = time.perf_counter() - t
    t = time.perf_counter()
    loose_ds = MinHashLSH(threshold=low, num_perm=args.perm)
    for i, mh in enumerate(mhs):
        loose_ds.insert(i, mh)
    theirs_exact = set()
    for i, mh in enumerate(mhs):
        for j in loose_ds.query(mh):
            if j > i and len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= args.threshold:
                theirs_exact.add((i, j))
    t_ds_exact = time.perf_counter() - t

    def score(found: set[tuple[int, int]]) -> dict[str, float]:
        hit = len(found & set(truth))
        return {
            "recall": hit / len(truth) if truth else 1.0,
            "precision": hit / len(found) if found else 1.0,
            "found": len(found),
        }

    est_err = [abs(estimate_jaccard(sigs[a], sigs[b]) - j) for (a, b), j in truth.items()]
    print(
        json.dumps(
            {
                "bids": args.bids,
                "pages": args.pages,
                "chars_total": sum(len(d) for d in docs),
                "tokens_total": sum(len(t) for t in tokens),
                "true_pairs": len(truth),
                "planted_pairs": len(planted),
                "seconds": {
                    "generate": round(t_gen, 2),
                    "segment_rjieba": round(t_seg, 2),
                    "shingle": round(t_shingle, 2),
                    "exact_all_pairs": round(t_exact, 2),
                    "ours_signatures": round(t_ours_sign, 2),
                    "ours_lsh_and_verify": round(t_ours_query, 3),
                    "datasketch_signatures": round(t_ds_sign, 2),
                    "datasketch_lsh_and_verify": round(t_ds_query, 3),
                    "ours_loose_lsh_exact_check": round(t_ours_exact, 3),
                    "datasketch_loose_lsh_exact_check": round(t_ds_exact, 3),
                },
                "ours": {
                    **score(ours),
                    "lsh_bands_rows": [index.bands, index.rows],
                    "mean_abs_error_on_true_pairs": round(float(np.mean(est_err)), 4) if est_err else None,
                },
                "datasketch": score(theirs),
                f"ours_lsh_at_{low:.2f}_then_exact": score(ours_exact),
                f"datasketch_lsh_at_{low:.2f}_then_exact": score(theirs_exact),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

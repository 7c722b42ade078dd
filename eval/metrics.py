"""Span-overlap precision / recall / F1, shared by compare.py and test_metrics.py.

A predicted span of type T is a true positive when it overlaps a gold span of type T; each gold span is
matched at most once (a maximum bipartite matching per message and type, so the count of true
positives does not depend on the order of the spans); unmatched predictions are false positives and
unmatched gold spans false negatives. Spans are (start, end) with end exclusive; touching spans
((0, 4) and (4, 8)) do not overlap.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match_count(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> int:
    """The largest number of (prediction, gold) pairs that overlap, each side used at most once."""
    adj = [[j for j, g in enumerate(gold) if overlaps(p, g)] for p in pred]
    owner: dict[int, int] = {}  # gold index -> prediction index

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return sum(1 for i in range(len(pred)) if augment(i, set()))


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts"):
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if r is None:           # no gold spans of this type
            return None
        if p is None or p + r == 0:  # nothing predicted, or nothing right
            return 0.0
        return 2 * p * r / (p + r)


def score_message(pred: list[tuple[str, int, int]], gold: list[tuple[str, int, int]]) -> dict[str, Counts]:
    """Per-type counts for one message; pred and gold are (type, start, end)."""
    by_type_p: dict[str, list] = defaultdict(list)
    by_type_g: dict[str, list] = defaultdict(list)
    for t, s, e in pred:
        by_type_p[t].append((s, e))
    for t, s, e in gold:
        by_type_g[t].append((s, e))
    out: dict[str, Counts] = {}
    for t in sorted(set(by_type_p) | set(by_type_g)):
        p, g = by_type_p.get(t, []), by_type_g.get(t, [])
        tp = match_count(p, g)
        out[t] = Counts(tp, len(p) - tp, len(g) - tp)
    return out


def score_corpus(preds: list[list[tuple[str, int, int]]], golds: list[list[tuple[str, int, int]]],
                 types: list[str]) -> dict[str, Counts]:
    """Per-type counts over a corpus, for the given types only (other predicted types are ignored)."""
    total = {t: Counts() for t in types}
    for pred, gold in zip(preds, golds, strict=True):
        pred = [x for x in pred if x[0] in total]
        gold = [x for x in gold if x[0] in total]
        for t, c in score_message(pred, gold).items():
            total[t].add(c)
    return total

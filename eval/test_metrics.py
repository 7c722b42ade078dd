"""Checks of the span-overlap matcher. Run: python3 eval/test_metrics.py  (or python3 -m pytest eval)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from metrics import Counts, match_count, overlaps, score_corpus, score_message  # noqa: E402


def test_overlap_is_strict_and_end_exclusive():
    assert overlaps((0, 5), (4, 9))
    assert overlaps((3, 4), (0, 10))
    assert not overlaps((0, 4), (4, 8))
    assert not overlaps((10, 12), (0, 5))


def test_partial_overlap_counts_as_true_positive():
    c = score_message([("PHONE_NUMBER", 10, 15)], [("PHONE_NUMBER", 12, 25)])["PHONE_NUMBER"]
    assert (c.tp, c.fp, c.fn) == (1, 0, 0)


def test_type_must_agree():
    r = score_message([("PERSON", 0, 5)], [("CASE_PERSON", 0, 5)])
    assert (r["PERSON"].tp, r["PERSON"].fp, r["PERSON"].fn) == (0, 1, 0)
    assert (r["CASE_PERSON"].tp, r["CASE_PERSON"].fp, r["CASE_PERSON"].fn) == (0, 0, 1)


def test_each_gold_matched_once():
    # two predictions on one gold span: one TP, one FP
    c = score_message([("PERSON", 0, 3), ("PERSON", 4, 8)], [("PERSON", 0, 8)])["PERSON"]
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)
    # one wide prediction over two gold spans: one TP, one FN
    c = score_message([("PERSON", 0, 20)], [("PERSON", 0, 5), ("PERSON", 10, 15)])["PERSON"]
    assert (c.tp, c.fp, c.fn) == (1, 0, 1)


def test_matching_is_maximal_not_greedy():
    # p0 overlaps g0 and g1, p1 overlaps only g0: a greedy p0->g0 would leave p1 unmatched
    pred = [(0, 12), (0, 3)]
    gold = [(0, 5), (10, 15)]
    assert match_count(pred, gold) == 2


def test_precision_recall_f1():
    c = Counts(tp=3, fp=1, fn=2)
    assert abs(c.precision - 0.75) < 1e-12
    assert abs(c.recall - 0.6) < 1e-12
    assert abs(c.f1 - 2 * 0.75 * 0.6 / 1.35) < 1e-12
    assert Counts(0, 0, 4).f1 == 0.0 and Counts(0, 0, 4).precision is None
    assert Counts(0, 2, 0).f1 is None and Counts(0, 2, 0).precision == 0.0


def test_corpus_ignores_types_outside_the_set():
    preds = [[("PERSON", 0, 4), ("TEXT_SPEAK", 5, 7)], []]
    golds = [[("PERSON", 0, 4)], [("EMAIL", 0, 9)]]
    t = score_corpus(preds, golds, ["PERSON", "EMAIL"])
    assert (t["PERSON"].tp, t["PERSON"].fp, t["PERSON"].fn) == (1, 0, 0)
    assert (t["EMAIL"].tp, t["EMAIL"].fp, t["EMAIL"].fn) == (0, 0, 1)
    assert "TEXT_SPEAK" not in t


if __name__ == "__main__":
    from selftest import run

    run(globals())

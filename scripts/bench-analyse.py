#!/usr/bin/env python3
"""Whole-process speed of `safecomms analyse --jsonl`, timed from outside as a caller sees it.

- start-up: one message with no text (the policy packs are read; no word list is needed), and one
  short message naming two people (every word list is read too);
- throughput: 20,000 messages, each evaluation set's 1,460 (eval/data/*.jsonl) over and over.

Each figure is the median wall time of --runs runs (after one not counted). Run it on a quiet machine,
after `swift build -c release --product safecomms`:

    scripts/bench-analyse.py [--bin .build/release/safecomms] [--runs 10] [--vs OTHER_BINARY]

--vs times a second binary (an earlier build) in the same run, alternating with the first, and prints
the ratio, which stays meaningful when the machine's speed drifts.
"""
import argparse
import itertools
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = 20_000


def inputs(work: Path) -> dict[str, Path]:
    out = {}
    (work / "empty.jsonl").write_text('{"id": "a", "text": "", "people": []}\n')
    out["start-up, an empty message"] = work / "empty.jsonl"
    (work / "one.jsonl").write_text('{"id": "a", "text": "Hi Jayden, can you ask about Wojciech", "people": []}\n')
    out["start-up and one message"] = work / "one.jsonl"
    for name in ("messages", "communities"):
        rows = [json.loads(line) for line in (ROOT / "eval" / "data" / f"{name}.jsonl").open()]
        path = work / f"{name}-{MESSAGES}.jsonl"
        with path.open("w") as f:
            for r in itertools.islice(itertools.cycle(rows), MESSAGES):
                f.write(json.dumps({"id": r["id"], "text": r["text"], "people": r["people"]}) + "\n")
        out[f"{MESSAGES:,} messages from eval/data/{name}.jsonl"] = path
    return out


def run(binary: str, path: Path) -> float:
    with path.open("rb") as stdin:
        start = time.perf_counter()
        subprocess.run([binary, "analyse", "--jsonl"], stdin=stdin, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=str(ROOT / ".build" / "release" / "safecomms"))
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--vs", help="a second binary to time in the same run")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in inputs(Path(tmp)).items():
            binaries = [a.bin] + ([a.vs] if a.vs else [])
            times: dict[str, list[float]] = {b: [] for b in binaries}
            for b in binaries:
                run(b, path)  # not counted: the page cache and the CPU's clock settle
            for _ in range(a.runs):
                for b in binaries:
                    times[b].append(run(b, path))
            line = f"{label}: {statistics.median(times[a.bin]) * 1000:.0f} ms"
            if "messages from" in label:
                line += f" ({MESSAGES / statistics.median(times[a.bin]):,.0f} messages/s)"
            if a.vs:
                ratios = [x / y for x, y in zip(times[a.bin], times[a.vs])]
                line += f"; --vs {statistics.median(times[a.vs]) * 1000:.0f} ms, ratio {statistics.median(ratios):.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()

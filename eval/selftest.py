"""A tiny runner for the eval scripts' own tests, so they need nothing but python3:
    python3 eval/test_metrics.py
Each test file ends with `run(globals())`."""
import sys


def run(namespace: dict) -> None:
    tests = [v for k, v in sorted(namespace.items()) if k.startswith("test_")]
    failed = 0
    for t in tests:
        try:
            t()
        except AssertionError as e:
            failed += 1
            print(f"FAIL {t.__name__}: {e!r}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

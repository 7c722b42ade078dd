#!/usr/bin/env python3
"""The sender's figures, against the GOV.UK Notify stand-in (tests/browser/notify_standin.py, which checks
every token with notifications-python-client, the code Notify runs):

1. What recording adds to a send: POST /api/v1/cases/{id}/messages (check, record in the chronology,
   queue, audit, one transaction) against POST /api/v1/checks with the same case and text (check and
   audit only), one keep-alive connection, alternating, ROUNDS of each; medians and 99th percentiles.
2. The outbox: MESSAGES texts queued at once by 8 clients; the stand-in's clock says how many the
   sender sent in each minute and at most in any 60 seconds (Notify's limit is 3,000 a minute per key).

Starts `safecomms serve --demo` (release build) on SQLite in a temporary directory (with DATABASE_URL, on
that PostgreSQL database, which must be empty). Run nothing else meanwhile.

    .venv/bin/python scripts/bench-sender.py                 # needs notifications-python-client
    MESSAGES=3600 ROUNDS=300 BIN=.build/release/safecomms .venv/bin/python scripts/bench-sender.py
"""
import bisect
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
from notify_standin import NotifyStandIn  # noqa: E402

BIN = os.environ.get("BIN", os.path.join(ROOT, ".build", "release", "safecomms"))
MESSAGES = int(os.environ.get("MESSAGES", "3600"))
ROUNDS = int(os.environ.get("ROUNDS", "300"))
TEXT = "See you on Thursday at 4pm at the family centre"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Client:
    def __init__(self, port, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"null")


def main():
    notify = NotifyStandIn()
    data = tempfile.mkdtemp(prefix="safecomms-bench-sender-")
    port = free_port()
    env = dict(os.environ, SAFECOMMS_DATA=data, SAFECOMMS_BCRYPT_COST="4", LOG_LEVEL="warning", **notify.environment())
    server = subprocess.Popen([BIN, "serve", "--demo", "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    threading.Thread(target=lambda: [lines.append(l) for l in server.stdout], daemon=True).start()
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        emails = [m.group(1) for l in lines if (m := re.match(r"^practitioner\s{2,}.+?\s{2,}(\S+@\S+)", l))]
        if not emails:
            sys.exit("the demo server did not start:\n" + "".join(lines[-30:]))
        email = emails[0]
        token = subprocess.run([BIN, "users", "token", email], env=env, capture_output=True, text=True,
                               check=True).stdout.strip()
        client = Client(port, token)
        # A parent with a mobile on a case this practitioner may write to.
        target = None
        for c in client.call("GET", "/api/v1/cases")[1]:
            for person in client.call("GET", f"/api/v1/cases/{c['id']}/people")[1]:
                if person.get("role") == "parent_carer" and person.get("phone"):
                    status, _ = client.call("POST", f"/api/v1/cases/{c['id']}/messages", {
                        "person_id": person["id"], "channel": "sms", "text": TEXT, "proceed_reason": "benchmark"})
                    if status == 201:
                        target = (c["id"], person["id"])
                        break
            if target:
                break
        assert target, "no case with a parent's mobile that the practitioner may write to"
        case_id, person_id = target
        message = {"person_id": person_id, "channel": "sms", "text": TEXT, "proceed_reason": "benchmark"}
        check = {"case_id": case_id, "channel": "sms", "text": TEXT}

        # 1. What recording adds to a send.
        sends, checks = [], []
        for _ in range(ROUNDS):
            for body, path, into in ((check, "/api/v1/checks", checks),
                                     (message, f"/api/v1/cases/{case_id}/messages", sends)):
                start = time.perf_counter()
                status, _ = client.call("POST", path, body)
                into.append((time.perf_counter() - start) * 1000)
                assert status in (200, 201), (path, status)
        print(f"one connection, {ROUNDS} of each, alternating:")
        for name, values in (("POST /api/v1/checks (case, text)", checks), ("POST /api/v1/cases/{id}/messages", sends)):
            print(f"  {name:38} p50 {statistics.median(values):6.2f} ms   p99 {percentile(values, 99):6.2f} ms")
        print(f"  recording and queuing add {statistics.median(sends) - statistics.median(checks):.2f} ms at the median")

        # 2. The outbox, with the queue full.
        while len(notify.received) < ROUNDS + 1:
            time.sleep(0.2)
        already = len(notify.received)
        queued = [0]
        lock = threading.Lock()

        def queue(n):
            c = Client(port, token)
            for _ in range(n):
                status, _ = c.call("POST", f"/api/v1/cases/{case_id}/messages", message)
                assert status == 201, status
                with lock:
                    queued[0] += 1

        start = time.monotonic()
        workers = [threading.Thread(target=queue, args=(MESSAGES // 8,)) for _ in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        queued_in = time.monotonic() - start
        total = already + queued[0]
        deadline = time.monotonic() + 60 * (queued[0] // 3000 + 2)
        while len(notify.received) < total and time.monotonic() < deadline:
            time.sleep(0.5)
        times = sorted(n["at"] for n in notify.received[already:])
        window = max((bisect.bisect_left(times, t + 60) - i for i, t in enumerate(times)), default=0)
        first_minute = sum(1 for t in times if t < start + 60)
        print(f"\noutbox: {queued[0]} texts queued by 8 clients in {queued_in:.1f} s ({queued[0] / queued_in:.0f}/s)")
        print(f"  sent {len(times)} of {queued[0]}; in the first 60 s: {first_minute}; at most in any 60 s: {window}"
              f" (limit 3000); the last {(times[-1] - start):.1f} s after the first was queued")
        print(f"  tokens the stand-in refused: {notify.refused}")
        ok = len(times) == queued[0] and window <= 3000 and notify.refused == 0
        print("sender benchmark " + ("passed" if ok else "FAILED"))
        return 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=20)
        notify.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

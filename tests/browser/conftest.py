"""Starts the real `safecomms serve --demo` on a free loopback port and drives it with Chromium."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.path.join(ROOT, ".build", "debug", "safecomms")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    def __init__(self, extra_env=None):
        self.data = tempfile.mkdtemp(prefix="safecomms-browser-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # "{url}" in a value is the server's own address (its public URL, known only once its port is).
        extra = {k: v.replace("{url}", self.url) for k, v in (extra_env or {}).items()}
        self.env = dict(os.environ, SAFECOMMS_DATA=self.data, SAFECOMMS_BCRYPT_COST="4", **extra)
        self.env.pop("DATABASE_URL", None)
        self.lines = []
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--demo", "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self._wait_ready()
        self.sign_ins = self._parse_table()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def _wait_ready(self):
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + "\n".join(self.lines))
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not become ready:\n" + "\n".join(self.lines))

    def _parse_table(self):
        """The sign-in table the demo prints: role, name, e-mail, password, sees."""
        rows = {}
        for line in self.lines:
            m = re.match(r"^(\w+)\s{2,}(.+?)\s{2,}(\S+@\S+)\s{2,}(\S+)\s{2,}", line)
            if m and m.group(1) != "role":
                rows.setdefault(m.group(1), []).append({"name": m.group(2), "email": m.group(3), "password": m.group(4)})
        assert set(rows) >= {"practitioner", "manager", "dsl", "business_support", "admin", "auditor"}, self.lines
        return rows

    def token(self, email):
        out = subprocess.run([BINARY, "users", "token", email], env=self.env, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    """The demo with the second factor offered, not required: these tests sign the same people in many
    times a minute, and an authenticator's code signs in once (`strict_server` requires it)."""
    s = DemoServer({"SAFECOMMS_SECOND_FACTOR": "offered"})
    yield s
    s.stop()


@pytest.fixture(scope="session")
def strict_server():
    """The demo as it starts by default: whoever reads case history signs in with a second factor."""
    s = DemoServer()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def sending_server():
    """The demo with texts and e-mails sent through a GOV.UK Notify stand-in on loopback."""
    from notify_standin import NotifyStandIn

    notify = NotifyStandIn()
    # The second factor offered, as for `server`: these tests sign the same people in again and again.
    s = DemoServer({**notify.environment(), "SAFECOMMS_SECOND_FACTOR": "offered"})
    notify.callback_url = s.url + "/notify/callback"
    s.notify = notify
    yield s
    s.stop()
    notify.stop()


@pytest.fixture()
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()

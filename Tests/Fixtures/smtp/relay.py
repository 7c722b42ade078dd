#!/usr/bin/env python3
"""A real mail relay for the tests: aiosmtpd on loopback, with STARTTLS and AUTH (as a council's relay).

    relay.py DIR [--plain]

Makes a certificate authority and a certificate for localhost signed by it (trustme), writes the
authority to DIR/ca.pem, starts aiosmtpd on a free loopback port and prints "READY <port>". With
STARTTLS required and AUTH allowed only after it, as user "safecomms", password "relay-password";
--plain offers neither STARTTLS nor a certificate (a relay that cannot protect a password).
Every message it accepts is appended to DIR/messages.jsonl, every AUTH attempt to DIR/auth.jsonl.
Recipients at refused.example are refused (550). Runs until its standard input closes.
"""
import json
import os
import socket
import ssl
import sys

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = b"safecomms", b"relay-password"


def append(path, record):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


class Handler:
    def __init__(self, directory):
        self.directory = directory

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        append(os.path.join(self.directory, "messages.jsonl"), {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        })
        return "250 OK queued"


def main():
    directory, plain = sys.argv[1], "--plain" in sys.argv[2:]

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD
        append(os.path.join(directory, "auth.jsonl"), {
            "mechanism": mechanism, "ok": ok, "tls": session.ssl is not None,
        })
        # handled=False: aiosmtpd then answers 535 itself (by default it leaves the answer to us).
        return AuthResult(success=ok, handled=False)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = {"authenticator": authenticate, "auth_require_tls": True}
    if not plain:
        ca = trustme.CA()
        ca.cert_pem.write_to_path(os.path.join(directory, "ca.pem"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
        options.update(tls_context=context, require_starttls=True)
    controller = Controller(Handler(directory), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print(f"READY {port}", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()

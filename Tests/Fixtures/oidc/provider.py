#!/usr/bin/env python3
"""oidc-provider-mock (PyPI), a real OpenID Connect provider, on a free loopback port for the tests.

Prints "READY <port>" once it listens and serves until its standard input closes, so it never outlives
the test that started it. Anyone may sign in as any subject; a subject's `email` claim is the subject
itself. Options:
  --token-seconds N   ID tokens (and access tokens) last N seconds (negative: already expired)
  --forged-keys       the provider publishes a key it does not sign with, so every ID token it issues
                      has a signature that is not the provider's (as a forged token would)
"""
import argparse
import sys
import threading
from datetime import timedelta

import oidc_provider_mock
from flask import jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--token-seconds", type=int, default=300)
    parser.add_argument("--forged-keys", action="store_true")
    args = parser.parse_args()
    app = oidc_provider_mock.app(
        require_nonce=True,
        access_token_max_age=timedelta(seconds=args.token_seconds),
    )
    if args.forged_keys:
        other = RSAKey.generate_key(2048, auto_kid=True).as_dict(private=False)

        @app.before_request
        def publish_another_key():
            if request.path == "/jwks":
                return jsonify({"keys": [other]})
            return None

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_port}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()

"""Checks that a GOV.UK Notify token SafeComms signs is one Notify accepts: `safecomms notify token`
signs with a made-up key, and notifications-python-client's own decode_jwt_token (the code GOV.UK
Notify's API runs on every request) verifies its signature, algorithm and issued-at time.

    python3 .ci/notify-token-check.py .build/debug/safecomms
"""
import os
import subprocess
import sys
import uuid

import jwt
from notifications_python_client.authentication import decode_jwt_token

binary = sys.argv[1]
service, secret = str(uuid.uuid4()), str(uuid.uuid4())
env = dict(os.environ, SAFECOMMS_NOTIFY_API_KEY=f"safecomms-ci-{service}-{secret}")
token = subprocess.run([binary, "notify", "token"], env=env, capture_output=True, text=True, check=True).stdout.strip()
assert decode_jwt_token(token, secret) is True, token
claims = jwt.decode(token, key=secret, algorithms=["HS256"])
assert claims["iss"] == service, claims
header = jwt.get_unverified_header(token)
assert header == {"typ": "JWT", "alg": "HS256"}, header
try:
    decode_jwt_token(token, str(uuid.uuid4()))
except Exception:
    pass
else:
    raise AssertionError("a token signed with another secret must not verify")
print("a token signed by safecomms verifies with notifications-python-client's decode_jwt_token")

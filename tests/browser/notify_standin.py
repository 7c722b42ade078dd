"""A GOV.UK Notify stand-in for the browser tests, from Notify's documented API (v2), on loopback.

POST /v2/notifications/sms|email: the bearer token is checked with notifications-python-client's own
decode_jwt_token (the code Notify runs) against the service's secret, and its `iss` against the service
id; the template must be the one named; 201 with Notify's body. Shortly after, a delivery receipt is
POSTed to SafeComms' callback with the callback token, as Notify does ("delivered").
GET /v2/notifications?reference=…: the messages sent with that reference.
"""
import json
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from notifications_python_client.authentication import decode_jwt_token


class NotifyStandIn:
    def __init__(self):
        self.service, self.secret = str(uuid.uuid4()), str(uuid.uuid4())
        self.api_key = f"browser-tests-{self.service}-{self.secret}"
        self.sms_template, self.email_template = str(uuid.uuid4()), str(uuid.uuid4())
        self.callback_token = str(uuid.uuid4())
        self.callback_url = None  # set once SafeComms' address is known; no receipts until then
        self.received = []
        self.refused = 0
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def authorised(self):
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    ok = decode_jwt_token(token, standin.secret) is True
                    ok = ok and jwt.decode(token, options={"verify_signature": False})["iss"] == standin.service
                except Exception:
                    ok = False
                if not ok:
                    with standin.lock:
                        standin.refused += 1
                    self.answer(403, {"status_code": 403, "errors": [{"error": "AuthError", "message": "Invalid token"}]})
                return ok

            def do_POST(self):
                if not self.authorised():
                    return
                kind = self.path.rsplit("/", 1)[-1]
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                template = standin.sms_template if kind == "sms" else standin.email_template
                if kind not in ("sms", "email") or body.get("template_id") != template:
                    self.answer(400, {"status_code": 400, "errors": [{"error": "BadRequestError", "message": "Template not found"}]})
                    return
                notification = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "kind": kind,
                                "to": body.get("phone_number") or body.get("email_address"), "body": body,
                                "at": time.monotonic()}
                with standin.lock:
                    standin.received.append(notification)
                self.answer(201, {
                    "id": notification["id"], "reference": notification["reference"],
                    "content": {"body": body.get("personalisation", {}).get("body", ""), "from_number": "GOVUK"},
                    "uri": f"http://127.0.0.1/v2/notifications/{notification['id']}",
                    "template": {"id": template, "version": 1, "uri": "http://127.0.0.1/template"},
                })
                if standin.callback_url:
                    threading.Thread(target=standin.receipt, args=(notification,), daemon=True).start()

            def do_GET(self):
                if not self.authorised():
                    return
                reference = parse_qs(urlparse(self.path).query).get("reference", [None])[0]
                with standin.lock:
                    found = [{"id": n["id"], "reference": n["reference"], "status": "created"}
                             for n in standin.received if n["reference"] == reference]
                self.answer(200, {"notifications": found, "links": {}})

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def receipt(self, notification):
        """Notify's delivery receipt, as its callback sends it."""
        time.sleep(0.5)
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        data = json.dumps({
            "id": notification["id"], "reference": notification["reference"], "to": notification["to"],
            "status": "delivered", "created_at": now, "completed_at": now, "sent_at": now,
            "notification_type": notification["kind"], "template_id": notification["body"]["template_id"],
            "template_version": 1,
        }).encode()
        request = urllib.request.Request(self.callback_url, data=data, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.callback_token}"})
        urllib.request.urlopen(request, timeout=10).close()

    def environment(self):
        """What SafeComms is given to send through this stand-in."""
        return {
            "SAFECOMMS_NOTIFY_API_KEY": self.api_key,
            "SAFECOMMS_NOTIFY_BASE_URL": self.url,
            "SAFECOMMS_NOTIFY_SMS_TEMPLATE": self.sms_template,
            "SAFECOMMS_NOTIFY_EMAIL_TEMPLATE": self.email_template,
            "SAFECOMMS_NOTIFY_CALLBACK_TOKEN": self.callback_token,
        }

    def stop(self):
        self.http.shutdown()

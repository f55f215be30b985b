#!/usr/bin/python3
"""A small OAuth2 authorisation server for herald's tests (stdlib only):
the token endpoint (RFC 6749: refresh_token and the RFC 8628 device_code
grant), the device authorisation endpoint, and the token introspection
endpoint (RFC 7662) that Dovecot's oauth2 passdb asks.

    ts = TokenServer(life=3600).start()
    ... ts.url("/token"), ts.url("/device"), ts.url("/introspect") ...
    ts.revoke_all()     # every access token handed out stops working

Access tokens are random; one user ("office") and one client.
"""
import json
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID = "herald-test-client"
CLIENT_SECRET = "herald-test-secret"
USER = "office"


class TokenServer:
    def __init__(self, life=3600, approve_after=1):
        self.life = life                  # expires_in of access tokens
        self.approve_after = approve_after  # device polls before sign-in
        self.refresh = "rt-" + os.urandom(12).hex()
        self.tokens = {}                  # access token -> expiry
        self.devices = {}                 # device_code -> polls so far
        self.lock = threading.Lock()
        self.log = []                     # (path, grant or "") per request
        self.httpd = None

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.httpd.server_address[1], path)

    def start(self):
        ts = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(n).decode())
                form = {k: v[0] for k, v in form.items()}
                status, body = ts.answer(self.path, form, self.headers)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def revoke_all(self):
        """Every access token handed out so far is refused from now on
        (as when they expire earlier than the client thought)."""
        with self.lock:
            self.tokens.clear()

    def issued(self):
        return sum(1 for p, g in self.log if g == "refresh_token")

    def _new_token(self):
        t = "at-" + os.urandom(16).hex()
        self.tokens[t] = time.time() + self.life
        return {"access_token": t, "token_type": "Bearer",
                "expires_in": self.life}

    def _client_ok(self, form):
        return (form.get("client_id") == CLIENT_ID and
                form.get("client_secret") == CLIENT_SECRET)

    def answer(self, path, form, headers):
        with self.lock:
            self.log.append((path, form.get("grant_type", "")))
            if path == "/device":
                if form.get("client_id") != CLIENT_ID:
                    return 401, {"error": "invalid_client"}
                code = "dc-" + os.urandom(8).hex()
                self.devices[code] = 0
                return 200, {"device_code": code, "user_code": "WDJB-MJHT",
                             "verification_uri": self.url("/activate"),
                             "expires_in": 60, "interval": 1}
            if path == "/introspect":
                exp = self.tokens.get(form.get("token", ""))
                if exp is None or exp < time.time():
                    return 200, {"active": False}
                return 200, {"active": True, "username": USER}
            if path != "/token":
                return 404, {"error": "not_found"}
            if not self._client_ok(form):
                return 401, {"error": "invalid_client"}
            grant = form.get("grant_type")
            if grant == "refresh_token":
                if form.get("refresh_token") != self.refresh:
                    return 400, {"error": "invalid_grant",
                                 "error_description": "unknown refresh token"}
                return 200, self._new_token()
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                code = form.get("device_code")
                if code not in self.devices:
                    return 400, {"error": "expired_token"}
                self.devices[code] += 1
                if self.devices[code] <= self.approve_after:
                    return 400, {"error": "authorization_pending"}
                del self.devices[code]
                body = self._new_token()
                body["refresh_token"] = self.refresh
                return 200, body
            return 400, {"error": "unsupported_grant_type"}

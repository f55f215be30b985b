"""heraldd's web endpoint (issue 14): RFC 8058 one-click unsubscribe on
list copies and campaign mail to announce lists, pages in the contact's
language that change nothing on GET, RSVP links through the seats'
rules (driven in headless Chromium), forged tokens that get the one 404
page, and a listener that survives slow and malformed clients."""
import base64
import email
import email.policy
import hashlib
import hmac
import html
import json
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import parse, setup_campaign, wait_done, wait_for
from test_relay import POST
from test_report import chromium, png_colours

ONE_CLICK = "List-Unsubscribe=One-Click"

INVITE = """\
Subject: {{event.title}}

Dear {{contact.name}},
answer here: {{rsvp.link}}
yes: {{rsvp.link.yes}}
no: {{rsvp.link.no}}
maybe: {{rsvp.link.maybe}}
"""


def http_conf(port, scheme="http", extra=""):
    return ('http = { listen = "127.0.0.1:%d"; base_url = "%s://127.0.0.1:%d/herald/"; %s };'
            % (port, scheme, port, extra))


def request(url, data=None, method=None, headers=None, context=None):
    """(status, headers, body text) of one request; errors are answers."""
    if isinstance(data, str):
        data = data.encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=20, context=context) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def make_token(w, kind, msg_id):
    """A token as herald makes it (lib/token.c), from the test's secret."""
    key = bytes.fromhex(w.read("secret").strip())
    body = "%s%x" % (kind, msg_id)
    return body + "-" + hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:20]


def forms(page):
    """Each form's hidden fields and submit buttons (name, value)."""
    out = []
    for f in re.findall(r"<form.*?</form>", page, re.S):
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', f))
        buttons = re.findall(r'<button type="submit"(?: name="(\w+)" value="(\w+)")?', f)
        out.append((hidden, buttons))
    return out


def state(w, lst, addr):
    r = w.sql("SELECT m.state FROM membership m JOIN list l ON l.id = m.list_id "
              "JOIN contact c ON c.id = m.contact_id WHERE l.name = ? AND c.email = ?",
              lst, addr)
    return r[0][0] if r else None


SECURITY = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff"}


class WebTest(unittest.TestCase):
    def check_headers(self, h):
        for k, v in SECURITY.items():
            self.assertEqual(h[k], v)
        self.assertIn("default-src 'none'", h["Content-Security-Policy"])

    def test_one_click_on_a_list_copy(self):
        sdir = tempfile.mkdtemp(prefix="herald-web-")
        port = harness.free_port()
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port, imap_port=srv.imap_port,
                                 extra=http_conf(port)) as w:
                members = ["m1@net.example", "m2@net.example", "m3@net.example"]
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
                w.ok("list", "add", "net", *members)
                w.ok("list", "create", "other", "--kind", "announce")
                w.ok("list", "add", "other", "m1@net.example")
                srv.imap_append(POST.replace("\n", "\r\n").encode())
                d = w.start_daemon()
                wait_for(lambda: len(srv.sink_messages()) >= 3, 30, "three copies")
                copy = [m for m in srv.sink_messages() if m.rcpt_to == ["m1@net.example"]][0]
                msg = parse(copy.data)
                lu = msg["List-Unsubscribe"]
                m = re.fullmatch(r"<(http://127\.0\.0\.1:%d/herald/u/(u[0-9a-f]+-[0-9a-f]{20}))>,"
                                 r"\s*<mailto:office\+u[0-9a-f]+-[0-9a-f]{20}@example\.org>" % port,
                                 str(lu).strip())
                self.assertIsNotNone(m, lu)
                self.assertEqual(msg["List-Unsubscribe-Post"], ONE_CLICK)
                url, tok = m.group(1), m.group(2)
                # a link scanner: GET, HEAD, OPTIONS change nothing
                st, h, page = request(url)
                self.assertEqual(st, 200)
                self.check_headers(h)
                self.assertIn("m1@net.example", page)
                self.assertIn("<strong>net</strong>", page)
                self.assertEqual(request(url, method="HEAD")[0], 200)
                self.assertEqual(request(url, method="OPTIONS")[0], 204)
                self.assertEqual(state(w, "net", "m1@net.example"), "active")
                # a forged token and a valid one naming no row: one page
                forged = url[:-1] + ("0" if url[-1] != "0" else "1")
                st, _, bad = request(forged, ONE_CLICK)
                self.assertEqual(st, 404)
                unknown = url.replace(tok, make_token(w, "u", 99999))
                st2, _, bad2 = request(unknown, ONE_CLICK)
                self.assertEqual((st2, bad2), (404, bad))
                # a token of another kind on this route names nothing here
                other = url.replace(tok, make_token(w, "y", int(tok[1:].split("-")[0], 16)))
                self.assertEqual(request(other, ONE_CLICK)[0], 404)
                self.assertEqual(state(w, "net", "m1@net.example"), "active")
                # a form from elsewhere (no page MAC) is refused
                self.assertEqual(request(url, "f=" + "0" * 32)[0], 403)
                self.assertEqual(request(url, "x=1")[0], 403)
                self.assertEqual(state(w, "net", "m1@net.example"), "active")
                # the one-click POST as curl sends it: exactly that member,
                # exactly that list
                r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                    "-X", "POST", "-d", ONE_CLICK,
                                    url.replace("/herald/", "/")],
                                   capture_output=True, text=True, timeout=30)
                self.assertEqual(r.stdout, "200")
                self.assertEqual(state(w, "net", "m1@net.example"), "unsubscribed")
                self.assertEqual(state(w, "net", "m2@net.example"), "active")
                self.assertEqual(state(w, "other", "m1@net.example"), "active")
                self.assertEqual(w.json("contact", "show", "m1@net.example")["status"],
                                 "active")
                log = w.json("log", "--contact", "m1@net.example")
                self.assertTrue([x for x in log if x["kind"] == "unsubscribe"
                                 and "net" in x["summary"]], log)
                # the page's way: the answer page offers an undo
                st, _, page = request(url)
                self.assertIn("no longer", page)
                st, _, done = request(url, ONE_CLICK)
                (hidden, _), = forms(done)
                self.assertEqual(set(hidden), {"f", "undo", "u"})
                # an undo with its time moved is refused
                moved = dict(hidden, undo=str(int(hidden["undo"]) + 86400))
                self.assertEqual(request(url, urllib.parse.urlencode(moved))[0], 403)
                self.assertEqual(state(w, "net", "m1@net.example"), "unsubscribed")
                # as is one made 8 days ago (its MAC made with the secret)
                old = dict(hidden, undo=str(int(time.time()) - 8 * 86400))
                self.assertEqual(request(url, urllib.parse.urlencode(old))[0], 403)
                st, _, page = request(url, urllib.parse.urlencode(hidden))
                self.assertEqual(st, 200)
                self.assertEqual(state(w, "net", "m1@net.example"), "active")
                # and the button of the GET page unsubscribes too
                st, _, page = request(url)
                (hidden, _), = forms(page)
                self.assertEqual(request(url, urllib.parse.urlencode(hidden))[0], 200)
                self.assertEqual(state(w, "net", "m1@net.example"), "unsubscribed")
                # logs never hold a token
                self.assertNotIn(tok, w.daemon_log())
                # heraldd stops cleanly, the listener with it (and under
                # ASan, nothing leaked or overran)
                d.terminate()
                self.assertEqual(d.wait(60), 0, w.daemon_log()[-3000:])
                self.assertNotIn("Sanitizer", w.daemon_log())
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_announce_campaign_carries_both_forms(self):
        port = harness.free_port()
        sdir = tempfile.mkdtemp(prefix="herald-web-")
        try:
            with harness.Servers(sdir, dovecot=False, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port, extra=http_conf(port)) as w:
                setup_campaign(w, [{"email": "ana@example.net", "name": "Ana",
                                    "organisation": "Red", "language": "es"}],
                               templates={"invite.txt": INVITE})
                w.ok("list", "create", "board", "--kind", "announce")
                w.ok("list", "add", "board", "ana@example.net")
                w.start_daemon()
                wait_done(w)
                m = parse(srv.sink_messages()[0].data)
                # libetpan folds after the colon: valid, and read as is
                lu = str(m["List-Unsubscribe"]).strip()
                self.assertRegex(lu, r"^<http://127\.0\.0\.1:%d/herald/u/u[0-9a-f]+-[0-9a-f]{20}>,"
                                     r"\s*<mailto:office\+u[0-9a-f]+-[0-9a-f]{20}@example\.org>$"
                                 % port)
                self.assertEqual(m["List-Unsubscribe-Post"], ONE_CLICK)
                text = m.get_body(("plain",)).get_content()
                for a, k in (("yes", "y"), ("no", "n"), ("maybe", "v")):
                    self.assertRegex(text, r"%s: http://127\.0\.0\.1:%d/herald/r/%s[0-9a-f]+-"
                                     % (a, port, k))
                self.assertRegex(text, r"answer here: http://127\.0\.0\.1:%d/herald/r/r[0-9a-f]+-"
                                 % port)
                url = re.match(r"<([^>]+)>", lu).group(1)
                st, _, page = request(url)
                self.assertIn("Darse de baja", page)
                self.assertIn('lang="es"', page)
                self.assertEqual(request(url, ONE_CLICK)[0], 200)
                # the campaign's list, not the contact's other list
                self.assertEqual(state(w, "delegates", "ana@example.net"), "unsubscribed")
                self.assertEqual(state(w, "board", "ana@example.net"), "active")
                self.assertEqual(w.json("contact", "show", "ana@example.net")["status"],
                                 "active")
                # herald check: base_url reachable through /health
                out = w.run("check").stdout
                self.assertRegex(out, r"(?m)^http\s+ok\s+http://127\.0\.0\.1:%d/herald/health"
                                 % port)
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_check_warns_announce_lists_without_http(self):
        with util.Workdir() as w:
            w.ok("list", "create", "news", "--kind", "announce")
            out = w.run("check").stdout
            self.assertIn("one-click unsubscribe", out)
            self.assertRegex(out, r"(?m)^http\s+WARN\s")

    def rsvp_setup(self, w):
        setup_campaign(w, [{"email": "ana@example.net", "name": "Ana Núñez",
                            "organisation": "Red <b>", "language": "es"},
                           {"email": "zoe@example.net", "name": "Zoé",
                            "organisation": "Réseau", "language": "fr"}],
                       templates={"invite.txt": INVITE}, send=False)
        w.ok("event", "set", "summit", "--capacity", "1", "--location", "Genève & <Palais>")
        w.ok("campaign", "send", "invite")

    def links(self, srv, port):
        out = {}
        for m in srv.sink_messages():
            text = parse(m.data).get_body(("plain",)).get_content()
            out[m.rcpt_to[0]] = dict(re.findall(r"(yes|no|maybe|answer here): (\S+)", text))
        return out

    def test_rsvp_links_apply_the_seats_rules(self):
        port = harness.free_port()
        sdir = tempfile.mkdtemp(prefix="herald-web-")
        try:
            with harness.Servers(sdir, dovecot=False, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port, extra=http_conf(port)) as w:
                self.rsvp_setup(w)
                w.start_daemon()
                wait_done(w)
                links = self.links(srv, port)
                ana, zoe = links["ana@example.net"], links["zoe@example.net"]
                # GET: the event in the event's zone, escaped; nothing stored
                st, h, page = request(ana["yes"])
                self.assertEqual(st, 200)
                self.check_headers(h)
                self.assertIn("Summit of Networks", page)
                self.assertIn("2027-03-02 09:00 (Europe/Zurich)", page)
                self.assertIn("Genève &amp; &lt;Palais&gt;", page)
                self.assertNotIn("<Palais>", page)
                self.assertEqual(w.sql("SELECT count(*) FROM rsvp")[0][0], 0)
                (hidden, buttons), = forms(page)
                self.assertEqual(buttons[0], ("a", "yes"))
                # a POST without the page's MAC is refused
                self.assertEqual(request(ana["yes"], "a=yes")[0], 403)
                st, _, page = request(ana["yes"], urllib.parse.urlencode(dict(hidden, a="yes")))
                self.assertEqual(st, 200)
                self.assertIn("Gracias", page)
                st, _, page = request(zoe["answer here"])
                (hidden, buttons), = forms(page)
                self.assertEqual([b[1] for b in buttons], ["yes", "no", "maybe"])
                st, _, page = request(zoe["answer here"],
                                      urllib.parse.urlencode(dict(hidden, a="yes")))
                self.assertIn("liste d'attente", html.unescape(page))
                ans = dict(w.sql("SELECT c.email, r.answer FROM rsvp r JOIN contact c "
                                 "ON c.id = r.contact_id"))
                self.assertEqual(ans, {"ana@example.net": "yes", "zoe@example.net": "waitlist"})
                # an answer given on the page says so
                self.assertEqual({r[0] for r in w.sql("SELECT source FROM rsvp")},
                                 {"web"})
                # Ana changes her answer from the same link: Zoé gets the seat
                st, _, page = request(ana["yes"], urllib.parse.urlencode(dict(hidden, a="no")))
                self.assertEqual(st, 403)	# Zoé's page MAC is not Ana's
                (hidden, _), = forms(request(ana["yes"])[2])
                st, _, page = request(ana["yes"], urllib.parse.urlencode(dict(hidden, a="no")))
                self.assertEqual(st, 200)
                ans = dict(w.sql("SELECT c.email, r.answer FROM rsvp r JOIN contact c "
                                 "ON c.id = r.contact_id"))
                self.assertEqual(ans["ana@example.net"], "no")
                self.assertIn(ans["zoe@example.net"], ("yes", "offered"))
                log = w.json("log", "--contact", "ana@example.net")
                self.assertTrue([x for x in log if x["kind"] == "rsvp"], log)
                for l in ana.values():
                    self.assertNotIn(l.rsplit("/", 1)[1], w.daemon_log())
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_rsvp_in_chromium(self):
        browser = chromium()
        if browser is None:
            self.skipTest("chromium is not installed (contrib/deps.sh installs it)")
        port = harness.free_port()
        sdir = tempfile.mkdtemp(prefix="herald-web-")
        try:
            with harness.Servers(sdir, dovecot=False, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port, extra=http_conf(port)) as w:
                self.rsvp_setup(w)
                w.start_daemon()
                wait_done(w)
                links = self.links(srv, port)
                with Chromium(browser, sdir) as c:
                    for who, words, result in (
                            ("ana@example.net", "Sí, asistiré", "Gracias: queda inscrita/o."),
                            ("zoe@example.net", "Oui, je viendrai", "liste d'attente")):
                        url = links[who]["yes"].replace("/herald/", "/")
                        c.open(url)
                        shot = c.screenshot(os.path.join(sdir, who + ".png"))
                        self.assertGreater(len(png_colours(shot)), 2, "blank page")
                        self.assertIn(words, c.text())
                        c.click("#confirm")
                        self.assertIn(result, c.text())
                        shot = c.screenshot(os.path.join(sdir, who + "-done.png"))
                        self.assertGreater(len(png_colours(shot)), 2, "blank page")
                    self.assertEqual(c.errors, [])
                ans = dict(w.sql("SELECT c.email, r.answer FROM rsvp r JOIN contact c "
                                 "ON c.id = r.contact_id"))
                self.assertEqual(ans, {"ana@example.net": "yes", "zoe@example.net": "waitlist"})
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_malformed_and_slow_clients(self):
        port = harness.free_port()
        with util.Workdir(extra=http_conf(port, extra="timeout = 2; rate = 1000;")) as w:
            w.start_daemon()
            wait_for(lambda: harness.listening(port), 15, "the listener")
            base = "http://127.0.0.1:%d" % port
            # slowloris: connections that never finish their head
            slow = []
            for _ in range(40):
                s = socket.create_connection(("127.0.0.1", port))
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-a: ")
                slow.append(s)
            start = time.time()
            self.assertEqual(request(base + "/health")[0], 200)
            self.assertLess(time.time() - start, 2)
            # and they are dropped after http.timeout
            time.sleep(3.5)
            for s in slow:
                s.settimeout(5)
                try:
                    self.assertEqual(s.recv(100), b"")
                except ConnectionResetError:
                    pass
                s.close()
            # oversized head: refused, the listener lives on
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-big: " + b"a" * 64000 + b"\r\n\r\n")
            s.settimeout(5)
            answer = s.recv(200)
            s.close()
            self.assertRegex(answer, rb"^HTTP/1\.1 4(31|13|00)")
            # invalid UTF-8, NULs and junk in paths
            for path in (b"/u/%ff%fe%fd", b"/r/\xff\xfe", b"/u/%00abc", b"/u/" + b"A" * 5000,
                         b"/../../etc/passwd", b"/r/y1-%c0%af"):
                s = socket.create_connection(("127.0.0.1", port))
                s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                s.settimeout(5)
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                s.close()
                self.assertRegex(data, rb"^HTTP/1\.1 4\d\d", path)
            # not HTTP at all, and a body too big
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"\x16\x03\x01\x00\xff garbage\r\n\r\n")
            s.settimeout(5)
            self.assertRegex(s.recv(100) or b"HTTP/1.1 400", rb"^HTTP/1\.1 400|^$")
            s.close()
            tok = make_token(w, "u", 1)
            st, _, _ = request(base + "/u/" + tok, "f=" + "a" * 10000)
            self.assertIn(st, (404, 413))
            # unknown methods change nothing and are refused
            self.assertEqual(request(base + "/health", method="DELETE")[0], 405)
            self.assertEqual(request(base + "/health")[0], 200)
            self.assertIsNone(w.daemons[0].poll())
            self.assertNotIn("Sanitizer", w.daemon_log())

    def test_config(self):
        for http, why in (('listen = "127.0.0.1:8025";', "http.base_url: required"),
                          ('listen = "localhost:8025"; base_url = "https://x.example";',
                           "numeric"),
                          ('listen = "127.0.0.1:99999"; base_url = "https://x.example";',
                           "port"),
                          ('base_url = "ftp://x.example";', "http:// or https://"),
                          ('cert_file = "herald.conf";', "go together")):
            with util.Workdir(init=False, extra="http = { %s };" % http) as w:
                r = w.run("check")
                self.assertNotEqual(r.returncode, 0)
                self.assertIn(why, r.stderr + r.stdout)

    def test_rate_limit_and_https(self):
        port = harness.free_port()
        with util.Workdir(init=False) as w:
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-subj", "/CN=127.0.0.1", "-days", "2",
                            "-keyout", w.path("web.key"), "-out", w.path("web.crt")],
                           check=True, capture_output=True)
            w.write("herald.conf", w.read("herald.conf") + http_conf(
                port, "https", 'rate = 5; cert_file = "web.crt"; key_file = "web.key";'))
            w.ok("init")
            w.start_daemon()
            wait_for(lambda: harness.listening(port), 15, "the listener")
            ctx = ssl.create_default_context(cafile=w.path("web.crt"))
            ctx.check_hostname = False
            base = "https://127.0.0.1:%d" % port
            codes = [request(base + "/health", context=ctx)[0] for _ in range(7)]
            self.assertEqual(codes[:5], [200] * 5)
            self.assertEqual(codes[5:], [429, 429])


class Chromium:
    """Debian's chromium, headless, driven through the DevTools protocol
    on a pipe (--remote-debugging-pipe: JSON messages ending in NUL on
    file descriptors 3 and 4); the pages themselves run no script."""

    def __init__(self, browser, tmp):
        self.browser, self.prof = browser, tempfile.mkdtemp(prefix="chromium-", dir=tmp)
        self.errors, self.events, self.next_id, self.buf = [], [], 0, b""

    def __enter__(self):
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def fds():
            # copies first: dup2 onto the same number would keep the
            # pipe's close-on-exec, and one end may sit on 3 or 4
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
        err = open(os.path.join(self.prof, "stderr.txt"), "wb")
        self.proc = subprocess.Popen(
            [self.browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--user-data-dir=" + self.prof,
             "--remote-debugging-pipe", "--window-size=420,900", "about:blank"],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL,
            stderr=err)
        err.close()
        os.close(to_r)
        os.close(from_w)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable", session=True)
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)

    def _read(self, timeout=30):
        end = time.time() + timeout
        while b"\0" not in self.buf:
            r, _, _ = select.select([self.from_r], [], [], max(0, end - time.time()))
            if not r:
                raise AssertionError("chromium did not answer")
            chunk = os.read(self.from_r, 65536)
            if not chunk:
                raise AssertionError("chromium closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        m = json.loads(msg)
        if m.get("method") == "Runtime.exceptionThrown":
            self.errors.append(m["params"])
        elif m.get("method") == "Runtime.consoleAPICalled" and \
                m["params"]["type"] in ("error", "assert"):
            self.errors.append(m["params"])
        elif m.get("method") == "Log.entryAdded" and \
                m["params"]["entry"]["level"] == "error":
            self.errors.append(m["params"]["entry"])
        return m

    def call(self, method, params=None, session=False):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        try:
            os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        except BrokenPipeError:
            with open(os.path.join(self.prof, "stderr.txt"), errors="replace") as f:
                raise AssertionError("chromium exited: " + f.read()[-2000:])
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise AssertionError("%s: %s" % (method, m["error"]))
                return m["result"]
            self.events.append(m)

    def wait_load(self):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == "Page.loadEventFired":
                    del self.events[:i + 1]
                    return
            self.events.append(self._read())

    def open(self, url):
        self.events = []
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_load()

    def click(self, selector):
        """A person's click, as the Input domain sends it."""
        box = self.call("Runtime.evaluate", {"expression":
                        "JSON.stringify(document.querySelector(%s).getBoundingClientRect())"
                        % json.dumps(selector), "returnByValue": True}, session=True)
        r = json.loads(box["result"]["value"])
        x, y = r["x"] + r["width"] / 2, r["y"] + r["height"] / 2
        self.events = []
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": t, "x": x, "y": y,
                                                   "button": "left", "clickCount": 1},
                      session=True)
        self.wait_load()

    def text(self):
        return self.call("Runtime.evaluate", {"expression": "document.body.innerText",
                                              "returnByValue": True},
                         session=True)["result"]["value"]

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path


if __name__ == "__main__":
    util.main()

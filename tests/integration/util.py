"""Helpers shared by herald's integration tests.

Every test gets a Workdir: a fresh temporary directory with its own
herald.conf, database and templates, and runs the real `herald` and
`heraldd` binaries (paths from ctest's environment, HERALD_BIN and
HERALDD_BIN) against it.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("HERALD_SOURCE", os.path.dirname(os.path.dirname(HERE)))
HERALD = os.environ.get("HERALD_BIN", os.path.join(SOURCE, "build", "herald"))
HERALDD = os.environ.get("HERALDD_BIN", os.path.join(SOURCE, "build", "heraldd"))
CORPUS = os.path.join(os.path.dirname(SOURCE), "shared", "corpus")

CONF_TEMPLATE = """\
database = "herald.db";
templates = "templates";
secret_file = "secret";
sender = {{ name = "Coordinating Office"; address = "office@example.org"; domain = "example.org"; }};
lists_domain = "lists.example.org";
smtp = {{ url = "smtp://127.0.0.1:{smtp_port}"; tls = "{smtp_tls}"; verify = {verify}; connections = {connections};
          rate = 0; retry_min = {retry_min}; retry_max = {retry_max}; give_up = {give_up}; }};
imap = {{ url = "imap://127.0.0.1:{imap_port}/INBOX"; tls = "{imap_tls}"; verify = {verify}; user = "office";
          password_file = "imap.pass"; idle = true; poll = 5; done_folder = ""; }};
inbound = {{ authserv_id = "{authserv_id}"; }};
{extra}
"""

# The office's own receiving server, as the tests' herald.conf names it.
AUTHSERV_ID = "mx.example.org"

# Test installations are private to the test's user: a machine with a
# real "herald" group would otherwise share their files with it (0660),
# and tests that check modes would see the group's. Tests of sharing set
# HERALD_GROUP themselves (test_install.py).
os.environ.setdefault("HERALD_GROUP", "")


def auth(domain, eol="\r\n"):
    """The Authentication-Results field the office's own server adds to
    mail whose From domain passed DMARC: what proves a list post."""
    return "Authentication-Results: %s; dmarc=pass header.from=%s%s" % (
        AUTHSERV_ID, domain, eol)


class Workdir:
    """A temporary herald installation: config, database, templates."""

    def __init__(self, smtp_port=2525, imap_port=1143, init=True, extra="",
                 keep=False, **conf):
        self.dir = tempfile.mkdtemp(prefix="herald-test-")
        self.keep = keep or os.environ.get("HERALD_KEEP_TMP") == "1"
        os.makedirs(self.path("templates"))
        self.write("imap.pass", "secret\n")
        values = dict(smtp_port=smtp_port, imap_port=imap_port, smtp_tls="off",
                      imap_tls="off", verify="false", connections=2,
                      retry_min=1, retry_max=4, give_up=60, extra=extra,
                      authserv_id=AUTHSERV_ID)
        values.update(conf)
        self.conf_path = self.write("herald.conf", CONF_TEMPLATE.format(**values))
        self.daemons = []
        if init:
            self.ok("init")

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def read(self, name):
        with open(self.path(name), errors="replace") as f:
            return f.read()

    def write(self, name, text, mode="w"):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, mode) as f:
            f.write(text)
        return p

    def run(self, *args, input=None, env=None, timeout=120):
        """Run herald; returns CompletedProcess with text stdout/stderr."""
        e = dict(os.environ)
        e.pop("HERALD_CONF", None)
        if env:
            e.update(env)
        return subprocess.run([HERALD, "-c", self.conf_path] + list(args),
                              input=input, capture_output=True, text=True,
                              env=e, timeout=timeout)

    def ok(self, *args, **kw):
        """Run herald and insist on exit 0."""
        r = self.run(*args, **kw)
        if r.returncode != 0:
            raise AssertionError("herald %s: exit %d\nstdout: %s\nstderr: %s"
                                 % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def json(self, *args):
        return json.loads(self.ok(*(list(args) + ["--json"])).stdout)

    def sql(self, query, *params):
        """Read the database directly (tests only)."""
        import sqlite3
        con = sqlite3.connect(self.path("herald.db"))
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def start_daemon(self, *args):
        """Start heraldd -f -v; returns the Popen (stderr to a log file)."""
        with open(self.path("heraldd.log"), "ab") as log:
            p = subprocess.Popen([HERALDD, "-f", "-v", "-c", self.conf_path] + list(args),
                                 stdout=log, stderr=log)
        self.daemons.append(p)
        return p

    def daemon_log(self):
        with open(self.path("heraldd.log"), errors="replace") as f:
            return f.read()

    def wait_log(self, text, timeout=10):
        """Wait until heraldd's log contains text; True when it did."""
        end = time.time() + timeout
        while time.time() < end:
            if text in self.daemon_log():
                return True
            time.sleep(0.05)
        return False

    def close(self):
        for p in self.daemons:
            if p.poll() is None:
                p.kill()
                p.wait()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()



def on_terminal(w, args, answer):
    """Run herald (workdir w) on a pseudo-terminal, answering its [y/N]
    question with answer; returns (exit code, output, whether it asked)."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(HERALD, [HERALD, "-c", w.conf_path] + list(args))
    out, answered = b"", False
    while True:
        r, _, _ = select.select([fd], [], [], 10)
        if not r:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if not answered and b"[y/N]" in out:
            os.write(fd, answer)
            answered = True
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st), out.decode(errors="replace"), answered

def main():
    """unittest.main with output that ctest shows."""
    import unittest
    unittest.main(verbosity=2, argv=[sys.argv[0]])

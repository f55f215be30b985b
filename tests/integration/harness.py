#!/usr/bin/python3
"""Private mail servers for herald's integration tests (stdlib only).

    with Servers(tmpdir, dovecot=True, sink=True, postfix=False) as s:
        ... s.imap_port, s.lmtp_port, s.smtp_port, s.postfix_port ...

Everything lives under one work directory and listens on free ports of
127.0.0.1 only, so two test runs can share the machine.  Must run as root
(Dovecot and Postfix drop privileges to their own users).

Command line (for demo scripts):
    python3 harness.py start DIR [--postfix] [--tls] [--no-sink] [--no-dovecot]
        starts the servers, writes DIR/servers.env and returns;
    python3 harness.py stop DIR
        stops whatever was started in DIR.
"""

import atexit
import imaplib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SMTP_SINK = shutil.which("smtp-sink", path="/usr/sbin:/usr/bin:/usr/libexec/postfix") \
    or "/usr/sbin/smtp-sink"
DOVECOT = "/usr/sbin/dovecot"
POSTFIX = "/usr/sbin/postfix"
LOCAL_DOMAINS = ("example.org", "lists.example.org")


class HarnessError(RuntimeError):
    pass


# ---------------------------------------------------------------- helpers

def free_port():
    """A loopback port nobody listens on now (another run may take it
    before we bind it: starters retry with a new port on failure)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """True if something LISTENs on 127.0.0.1:port.  Reads /proc instead of
    connecting, so probes never show up as sessions in the servers (a
    connect would count against smtp-sink's -n and fault options)."""
    want = "0100007F:%04X" % port
    try:
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[1] == want and fields[3] == "0A":
                    return True
    except OSError:
        pass
    return False


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise HarnessError("timed out waiting for " + what)
        time.sleep(0.02)


def pid_alive(pid):
    """False for dead or zombie processes (a zombie still 'exists' for
    kill(pid, 0), which fooled a first version of the stop logic)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def kill_and_wait(pid, ours, timeout=10):
    """SIGTERM, then SIGKILL if it lingers; returns when the pid is gone.
    False if there was nothing to stop.  ours(pid) must be true: a stale
    pid file must not make us kill an unrelated process."""
    if not pid or not pid_alive(pid) or not ours(pid):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
        try:
            wait_for(lambda: not pid_alive(pid), timeout, "pid %d" % pid)
        except HarnessError:
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: not pid_alive(pid), 5, "pid %d" % pid)
    except ProcessLookupError:
        pass
    # Reap it if it is our own child (Popen'ed smtp-sink).
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    return True


def wait_closed(*ports):
    for port in ports:
        if port:
            wait_for(lambda: not listening(port), 10, "port %d to close" % port)


def chown(path, user):
    pw = pwd.getpwnam(user)
    os.chown(path, pw.pw_uid, pw.pw_gid)


def run(cmd, logfile):
    """Run cmd with its output appended to logfile; returns (rc, output).
    Not a pipe: daemons (dovecot, postfix master) keep stderr open, and
    reading a pipe to EOF would hang until they exit."""
    with open(logfile, "ab+") as log:
        start = log.tell()
        rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=log,
                             stderr=log)
        log.seek(start)
        return rc, log.read().decode("utf-8", "replace")


def tail(path, n=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def _exit_on_sigterm():
    """Turn SIGTERM (e.g. a test runner's timeout) into SystemExit, so
    context managers and atexit still stop the servers."""
    import threading
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL):
        signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(128 + sig))


class SinkMessage:
    """One transaction captured by smtp-sink.

    mail_from / rcpt_to are bare addresses ('' for the null sender);
    mail_args / rcpt_args keep the full command arguments (SIZE=, ORCPT=,
    ...).  data is the message as received, dot-unstuffed, with CRLF line
    ends: smtp-sink drops every CR it reads, so bare CRs/LFs sent by the
    client cannot be told apart here (raw_data keeps the LF-only form)."""

    def __init__(self, helo, mail_args, rcpt_args, raw_data):
        self.helo = helo
        self.mail_args = mail_args
        self.rcpt_args = rcpt_args
        self.mail_from = _addr(mail_args)
        self.rcpt_to = [_addr(a) for a in rcpt_args]
        self.raw_data = raw_data
        self.data = raw_data.replace(b"\n", b"\r\n")

    def __getitem__(self, key):          # also usable like a dict
        return getattr(self, key)

    def __repr__(self):
        return "SinkMessage(from=%r, to=%r, %d bytes)" % (
            self.mail_from, self.rcpt_to, len(self.data))


def _addr(args):
    m = re.match(r"\s*<([^>]*)>", args)
    return m.group(1) if m else (args.split() or [""])[0]


SINK_MARK = b"X-Herald-Sink-Record: "


def parse_sink_dump(path):
    """Parse smtp-sink's -D file: one record per finished transaction, in
    the order they finished, each starting with the -S marker line.  A
    record is appended before the client gets its reply to ".", and aborted
    transactions never show up."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return []
    if not raw.startswith(SINK_MARK):
        return []
    mark = raw.split(b"\n", 1)[0]          # includes this run's token
    out = []
    for rec in re.split(rb"(?m)^" + re.escape(mark) + rb"\n", raw)[1:]:
        helo, mail, rcpts = None, "", []
        lines = rec.split(b"\n")
        for i, line in enumerate(lines):
            text = line.decode("utf-8", "replace")
            if text.startswith("X-Helo-Args: "):
                helo = text[13:]
            elif text.startswith("X-Mail-Args: "):
                mail = text[13:]
            elif text.startswith("X-Rcpt-Args: "):
                rcpts.append(text[13:])
            elif text.startswith("Received: "):
                # smtp-sink's own Received: is 3 lines; the message follows,
                # then one extra "\n" written for the final "." line.
                body = b"\n".join(lines[i + 3:])
                if body.endswith(b"\n"):
                    body = body[:-1]
                out.append(SinkMessage(helo, mail, rcpts, body))
                break
    return out


# ---------------------------------------------------------------- TLS

def make_tls_set(d):
    """A CA chain made at test time in d (python3-cryptography): root.pem,
    inter.pem (issued by the root), and leaves issued by the intermediate,
    all on the key leaf.key: leaf-good.pem (localhost, 127.0.0.1),
    leaf-expired.pem, leaf-future.pem, leaf-wrongname.pem
    (mail.example.net) and leaf-self.pem (self-signed). Kept if there."""
    if os.path.exists(os.path.join(d, "leaf-self.pem")):
        return
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    os.makedirs(d, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    day = datetime.timedelta(days=1)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def cert(cn, key, issuer, issuer_key, ca, start, end, sans=()):
        b = (x509.CertificateBuilder().subject_name(name(cn))
             .issuer_name(issuer).public_key(key.public_key())
             .serial_number(x509.random_serial_number())
             .not_valid_before(start).not_valid_after(end)
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None),
                            critical=True))
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(list(sans)),
                                critical=False)
            b = b.add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    def save(fname, c):
        with open(os.path.join(d, fname), "wb") as f:
            f.write(c.public_bytes(serialization.Encoding.PEM))

    root_key, inter_key, leaf_key = (ec.generate_private_key(ec.SECP256R1())
                                     for _ in range(3))
    root = cert("herald test root", root_key, name("herald test root"),
                root_key, True, now - day, now + 30 * day)
    inter = cert("herald test intermediate", inter_key, root.subject,
                 root_key, True, now - day, now + 30 * day)
    local = (x509.DNSName("localhost"),
             x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    save("root.pem", root)
    save("inter.pem", inter)
    for fname, cn, start, end, sans in (
            ("good", "localhost", now - day, now + 30 * day, local),
            ("expired", "localhost", now - 30 * day, now - day, local),
            ("future", "localhost", now + day, now + 30 * day, local),
            ("wrongname", "mail.example.net", now - day, now + 30 * day,
             (x509.DNSName("mail.example.net"),))):
        save("leaf-%s.pem" % fname, cert(cn, leaf_key, inter.subject,
                                         inter_key, False, start, end, sans))
    save("leaf-self.pem", cert("localhost", leaf_key, name("localhost"),
                               leaf_key, False, now - day, now + 30 * day,
                               local))
    with open(os.path.join(d, "leaf.key"), "wb") as f:
        f.write(leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    # Dovecot's login processes and Postfix's smtpd read them as root;
    # the key stays private
    os.chmod(os.path.join(d, "leaf.key"), 0o600)


# ---------------------------------------------------------------- servers

class Servers:
    """Start private Dovecot / smtp-sink / Postfix instances in workdir.

    Use as a context manager; stop() also runs at interpreter exit."""

    def __init__(self, workdir, dovecot=True, sink=True, postfix=False,
                 sink_args=(), dovecot_tls=False, submission=False,
                 oauth2_introspect=None, oauth2_mechs="xoauth2 oauthbearer"):
        self.workdir = os.path.abspath(workdir)
        self.want_dovecot = dovecot or postfix   # Postfix delivers into it
        self.want_sink = sink
        self.want_postfix = postfix
        self.sink_args = list(sink_args)
        self.dovecot_tls = dovecot_tls
        self.imap_user, self.imap_password = "office", "secret"
        self.users = {self.imap_user: self.imap_password}
        self.imap_port = self.lmtp_port = None
        self.smtp_port = self.postfix_port = None
        self.ca_file = None
        # dovecot_tls="required": ssl = required, IMAPS too, and the
        # certificates of make_tls_set(); submission: Postfix's port 587
        # equivalent, STARTTLS + AUTH through Dovecot's SASL
        self.submission = submission
        self.oauth2_introspect = oauth2_introspect
        self.oauth2_mechs = oauth2_mechs     # the SASL ones Dovecot offers
        self.imaps_port = self.submission_port = None
        self.tls_dir = os.path.join(self.workdir, "tls")
        self.tls_leaf, self.tls_chain = "good", True
        self._sink_proc = None
        self.dovecot_dir = os.path.join(self.workdir, "dovecot")
        self.sink_dir = os.path.join(self.workdir, "sink")
        self.sink_dump = os.path.join(self.sink_dir, "dump", "messages")
        self.postfix_dir = os.path.join(self.workdir, "postfix")

    # -- lifecycle

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        if os.geteuid() != 0:
            raise HarnessError("the harness must run as root")
        os.makedirs(self.workdir, exist_ok=True)
        # Dovecot's and Postfix's unprivileged processes must traverse it
        # (mkdtemp makes it 0700).
        os.chmod(self.workdir, 0o755)
        atexit.register(self.stop)
        _exit_on_sigterm()
        try:
            if self.want_dovecot:
                self.start_dovecot()
            if self.want_sink:
                self.start_sink()
            if self.want_postfix:
                self.start_postfix()
        except BaseException:
            self.stop()
            raise
        self._save_state()
        return self

    def stop(self):
        """Stop everything started in workdir (works from another process
        too: everything is found through pid files and harness.json)."""
        state = self._load_state()
        for k in ("imap_port", "lmtp_port", "smtp_port", "postfix_port"):
            if getattr(self, k) is None:
                setattr(self, k, state.get(k))
        errors = []
        for step in (self.stop_postfix, self.stop_sink, self.stop_dovecot,
                     self._remove_socket_dirs):
            try:                # one failure must not leave the rest running
                step()
            except Exception as e:
                errors.append(e)
        atexit.unregister(self.stop)
        if errors:
            raise errors[0]

    def detach(self):
        """Leave the servers running after this process exits (CLI)."""
        atexit.unregister(self.stop)

    def _state_file(self):
        return os.path.join(self.workdir, "harness.json")

    def _save_state(self):
        state = {k: getattr(self, k) for k in (
            "imap_port", "lmtp_port", "smtp_port", "postfix_port",
            "imaps_port", "submission_port",
            "imap_user", "imap_password", "ca_file", "sink_dump")}
        with open(self._state_file(), "w") as f:
            json.dump(state, f)

    def _load_state(self):
        try:
            with open(self._state_file()) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def env(self):
        """Shell-syntax summary, the content of servers.env."""
        vals = {"IMAP_PORT": self.imap_port, "LMTP_PORT": self.lmtp_port,
                "SMTP_PORT": self.smtp_port, "POSTFIX_PORT": self.postfix_port,
                "IMAP_HOST": "127.0.0.1",
                "IMAP_USER": self.imap_user, "IMAP_PASSWORD": self.imap_password,
                "SINK_DUMP": self.sink_dump if self.want_sink else None,
                "CA_FILE": self.ca_file, "WORKDIR": self.workdir}
        return "".join("%s=%s\n" % (k, v) for k, v in vals.items()
                       if v is not None)

    # -- Dovecot

    def _write_dovecot_conf(self):
        d = self.dovecot_dir
        ssl = "ssl = no\n"
        mechs = "plain login"
        passdb_oauth2 = ""
        if self.dovecot_tls == "required":
            make_tls_set(self.tls_dir)
            self.ca_file = os.path.join(self.tls_dir, "root.pem")
            ssl = "ssl = required\nssl_cert = <%s\nssl_key = <%s\n" % (
                self.served_cert(), os.path.join(self.tls_dir, "leaf.key"))
        if self.oauth2_introspect:
            mechs += " " + self.oauth2_mechs
            with open(os.path.join(d, "oauth2.conf"), "w") as f:
                f.write("introspection_mode = post\n"
                        "introspection_url = %s\n"
                        "force_introspection = yes\n"
                        "username_attribute = username\n"
                        "active_attribute = active\nactive_value = true\n"
                        % self.oauth2_introspect)
            passdb_oauth2 = ("passdb {\n  driver = oauth2\n"
                             "  mechanisms = %s\n"
                             "  args = %s/oauth2.conf\n}\n"
                             % (self.oauth2_mechs, d))
        if self.dovecot_tls == "chain":
            # what public CAs issue: root -> intermediate -> server; the
            # server sends its certificate and the intermediate, the
            # client trusts the root alone
            self.ca_file = os.path.join(d, "root.pem")
            cert = os.path.join(d, "chain.pem")
            if not os.path.exists(cert):
                self._make_chain(d, cert)
            ssl = "ssl = yes\nssl_cert = <%s\nssl_key = <%s/key.pem\n" % (cert, d)
        elif self.dovecot_tls and self.dovecot_tls != "required":
            self.ca_file = os.path.join(d, "cert.pem")
            if not os.path.exists(self.ca_file):
                # Self-signed; the cert is its own CA (CA:TRUE from req -x509).
                rc, out = run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                               "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1",
                               "-addext",
                               "subjectAltName=IP:127.0.0.1,DNS:localhost",
                               "-keyout", os.path.join(d, "key.pem"),
                               "-out", self.ca_file],
                              os.path.join(d, "openssl.log"))
                if rc:
                    raise HarnessError("openssl req failed: " + out)
            ssl = "ssl = yes\nssl_cert = <%s\nssl_key = <%s/key.pem\n" % (
                self.ca_file, d)
        conf = f"""# written by tests/integration/harness.py
protocols = imap lmtp
listen = 127.0.0.1
base_dir = {self._socket_dir(os.path.join(d, "run"))}
state_dir = {d}/state
log_path = {d}/dovecot.log
{ssl}disable_plaintext_auth = no
auth_mechanisms = {mechs}
# Login processes run as 'dovecot'; without this: "UID 103 not permitted".
first_valid_uid = 100
# LMTP gets "office@example.org" from Postfix: drop the domain.
auth_username_format = %Ln
recipient_delimiter = +
mail_location = maildir:{d}/mail/%n/Maildir
# Test data need not survive a power cut; this keeps big runs fast.
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {d}/users
}}
{passdb_oauth2}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port or 0}
  }}
}}
# Postfix's submission service asks here (smtpd_sasl_type = dovecot)
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.lmtp_port}
  }}
}}
"""
        with open(os.path.join(d, "dovecot.conf"), "w") as f:
            f.write(conf)

    def served_cert(self):
        """The file the servers present: the chosen leaf (make_tls_set)
        and, unless tls_chain is False, the intermediate after it."""
        out = os.path.join(self.tls_dir, "served.pem")
        with open(out, "w") as f:
            for name in ["leaf-%s.pem" % self.tls_leaf] + (
                    ["inter.pem"] if self.tls_chain else []):
                with open(os.path.join(self.tls_dir, name)) as c:
                    f.write(c.read())
        return out

    def set_tls(self, leaf="good", chain=True):
        """Serve another certificate ("good", "expired", "future",
        "wrongname", "self") with or without the intermediate, from
        Dovecot (restarted) and Postfix (reloaded)."""
        self.tls_leaf, self.tls_chain = leaf, chain
        self.served_cert()
        if listening(self.imap_port or 0):
            self.restart_dovecot()
        if self.postfix_port and listening(self.postfix_port):
            run([POSTFIX, "-c", os.path.join(self.postfix_dir, "etc"),
                 "reload"], os.path.join(self.postfix_dir, "reload.log"))
            time.sleep(1.5)   # smtpd processes restart at their next session

    def _make_chain(self, d, out):
        log = os.path.join(d, "openssl.log")
        ext = os.path.join(d, "ext.cnf")
        with open(ext, "w") as f:
            f.write("[ca]\nbasicConstraints=critical,CA:TRUE\n"
                    "keyUsage=critical,keyCertSign,cRLSign\n"
                    "[leaf]\nbasicConstraints=CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\n")

        def sh(*cmd):
            rc, text = run(["openssl"] + list(cmd), log)
            if rc:
                raise HarnessError("openssl %s failed: %s" % (cmd[0], text))

        p = lambda name: os.path.join(d, name)  # noqa: E731
        sh("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
           "-subj", "/CN=herald test root", "-keyout", p("root.key"),
           "-out", p("root.pem"), "-addext", "basicConstraints=critical,CA:TRUE",
           "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        for name, cn, signer, section in (("inter", "herald test intermediate",
                                           "root", "ca"),
                                          ("leaf", "127.0.0.1", "inter", "leaf")):
            key = p("key.pem") if name == "leaf" else p(name + ".key")
            sh("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn,
               "-keyout", key, "-out", p(name + ".csr"))
            sh("x509", "-req", "-in", p(name + ".csr"), "-CA", p(signer + ".pem"),
               "-CAkey", p(signer + ".key"), "-CAcreateserial", "-days", "30",
               "-extfile", ext, "-extensions", section, "-out", p(name + ".pem"))
        with open(out, "w") as f:
            for name in ("leaf", "inter"):
                with open(p(name + ".pem")) as c:
                    f.write(c.read())

    def _socket_dir(self, path):
        """path itself, or a short dir in /tmp linked from path when path
        is so long that the unix sockets Dovecot and Postfix create below
        it (absolute names, up to ~25 more bytes) would pass the 107-byte
        limit of socket names."""
        if os.path.islink(path):
            return os.readlink(path)
        if len(path) <= 75:
            os.makedirs(path, exist_ok=True)
            return path
        short = tempfile.mkdtemp(prefix="herald-sock-")
        os.chmod(short, 0o755)
        os.symlink(short, path)
        return short

    def _remove_socket_dirs(self):
        for path in (os.path.join(self.dovecot_dir, "run"),
                     os.path.join(self.postfix_dir, "queue")):
            if os.path.islink(path):
                shutil.rmtree(os.readlink(path), ignore_errors=True)
                os.unlink(path)

    def _write_users(self):
        path = os.path.join(self.dovecot_dir, "users")
        with open(path + ".tmp", "w") as f:
            for u, p in self.users.items():
                f.write("%s:{PLAIN}%s\n" % (u, p))
        # Read by the auth process, which runs as dovecot.
        os.chmod(path + ".tmp", 0o600)
        chown(path + ".tmp", "dovecot")
        os.replace(path + ".tmp", path)   # Dovecot rereads it when it changes

    def add_user(self, user, password):
        """Add (or change) an IMAP user; works while Dovecot runs."""
        self.users[user] = password
        self._write_users()
        if listening(self.imap_port or 0):
            # Dovecot stats passwd-file at most once per second (per
            # ioloop second): wait for the next second so it sees the change.
            time.sleep(1.05 - time.time() % 1)

    def start_dovecot(self):
        d = self.dovecot_dir
        for sub in ("", "state"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        os.makedirs(os.path.join(d, "mail"), exist_ok=True)
        chown(os.path.join(d, "mail"), "dovecot")
        self._write_users()
        fixed = self.imap_port is not None       # restart keeps the ports
        for attempt in range(5):
            if not fixed:
                self.imap_port, self.lmtp_port = free_port(), free_port()
                if self.dovecot_tls == "required":
                    self.imaps_port = free_port()
            self._write_dovecot_conf()
            rc, out = run([DOVECOT, "-c", os.path.join(d, "dovecot.conf")],
                          os.path.join(d, "start.log"))
            if rc == 0:
                break
            # "already running": the previous master (restart) is still
            # shutting down; "Address already in use": lost a port race.
            time.sleep(0.3)
        else:
            raise HarnessError("dovecot did not start: %s\n%s" % (
                out, tail(os.path.join(d, "dovecot.log"))))
        wait_for(lambda: listening(self.imap_port) and listening(self.lmtp_port),
                 10, "dovecot listeners")

    def stop_dovecot(self):
        pid = read_pid(os.path.join(self.dovecot_dir, "run", "master.pid"))
        conf = os.path.join(self.dovecot_dir, "dovecot.conf")
        if kill_and_wait(pid, lambda pid: conf in cmdline(pid)):
            # Login processes inherit the listening sockets.
            wait_closed(self.imap_port, self.lmtp_port)

    def restart_dovecot(self):
        self.stop_dovecot()
        self.start_dovecot()

    def maildir(self, user="office"):
        return os.path.join(self.dovecot_dir, "mail", user, "Maildir")

    # -- IMAP helpers (plain imaplib, no TLS)

    def imap_connect(self, user="office"):
        c = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        if self.dovecot_tls == "required":
            import ssl
            c.starttls(ssl.create_default_context(cafile=self.ca_file))
        c.login(user, self.users[user])
        return c

    def imap_append(self, raw, mailbox="INBOX", user="office", flags=None):
        """APPEND raw (bytes, CRLF preferred) to mailbox; creates a missing
        mailbox.  Returns the new UID (from APPENDUID)."""
        c = self.imap_connect(user)
        try:
            typ, data = c.append(mailbox, flags, None, raw)
            if typ != "OK" and b"TRYCREATE" in b" ".join(data):
                c.create(mailbox)
                typ, data = c.append(mailbox, flags, None, raw)
            if typ != "OK":
                raise HarnessError("APPEND failed: %r" % data)
            m = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
            return int(m.group(1)) if m else None
        finally:
            c.logout()

    def imap_messages(self, mailbox="INBOX", user="office"):
        """[(uid, flags tuple, raw bytes)] sorted by UID; does not set \\Seen."""
        c = self.imap_connect(user)
        try:
            typ, data = c.select(mailbox, readonly=True)
            if typ != "OK":
                raise HarnessError("SELECT %s failed: %r" % (mailbox, data))
            if int(data[0]) == 0:
                return []
            typ, data = c.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            out = []
            for item in data:
                if not isinstance(item, tuple):
                    continue        # the b')' closing each literal
                head = item[0]
                uid = int(re.search(rb"UID (\d+)", head).group(1))
                flags = re.search(rb"FLAGS \(([^)]*)\)", head).group(1)
                out.append((uid, tuple(flags.decode().split()), item[1]))
            return sorted(out)
        finally:
            c.logout()

    # -- smtp-sink

    def start_sink(self, args=None):
        if args is not None:
            self.sink_args = list(args)
        dump_dir = os.path.dirname(self.sink_dump)
        os.makedirs(dump_dir, exist_ok=True)
        fixed = self.smtp_port is not None
        for attempt in range(5):
            if not fixed:
                self.smtp_port = free_port()
            cmd = [SMTP_SINK]
            if os.geteuid() == 0:
                cmd += ["-u", "nobody"]     # it refuses to run as root
                chown(dump_dir, "nobody")   # it writes temp files there
            # -D appends each finished transaction to one file, so the
            # order is kept and half-received messages never show up (-d
            # makes a file per message at MAIL FROM, named by time to the
            # second plus a random number).  -S marks record starts; its
            # random token cannot occur in test messages by chance.
            token = os.urandom(8).hex()
            cmd += ["-D", self.sink_dump,
                    "-S", SINK_MARK.decode() + token + "\\n"]
            cmd += self.sink_args + ["127.0.0.1:%d" % self.smtp_port, "100"]
            log = open(os.path.join(self.sink_dir, "sink.log"), "ab")
            # Own session: survives the CLI's exit and a terminal's ^C.
            self._sink_proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)
            log.close()
            with open(os.path.join(self.sink_dir, "pid"), "w") as f:
                f.write("%d\n" % self._sink_proc.pid)
            try:
                wait_for(lambda: listening(self.smtp_port)
                         or self._sink_proc.poll() is not None, 10, "smtp-sink")
            except HarnessError:
                self.stop_sink()
                raise
            if self._sink_proc.poll() is None:
                return
            time.sleep(0.2)     # exited: probably lost a port race, retry
        raise HarnessError("smtp-sink did not start: %s\n%s" % (
            cmd, tail(os.path.join(self.sink_dir, "sink.log"))))

    def stop_sink(self):
        pidfile = os.path.join(self.sink_dir, "pid")
        if kill_and_wait(read_pid(pidfile),
                         lambda pid: self.sink_dump in cmdline(pid)):
            wait_closed(self.smtp_port)
        if self._sink_proc:
            self._sink_proc.wait()
            self._sink_proc = None
        if os.path.exists(pidfile):
            os.unlink(pidfile)

    def restart_sink(self, extra_args=()):
        """Restart on the same port with new fault options (replacing the
        previous sink_args); the captured messages are kept."""
        self.stop_sink()
        self.start_sink(list(extra_args))

    def sink_messages(self):
        """Finished transactions, oldest first, as SinkMessage objects.
        Caveat: a message whose "." got a fault reply (-r/-f/-Q .) is
        still captured, since smtp-sink saves it before replying."""
        return parse_sink_dump(self.sink_dump)

    def clear_sink(self):
        """Forget captured messages (smtp-sink reopens the file per message)."""
        try:
            os.unlink(self.sink_dump)
        except FileNotFoundError:
            pass

    # -- Postfix

    def _postfix_conf(self):
        p = self.postfix_dir
        aliases = os.path.join(p, "etc", "virtual_alias")
        with open(aliases, "w") as f:
            # Catch-all: every address of the test domains goes to office.
            f.write("/@(lists\\.)?example\\.org$/ office@example.org\n")
        orig = os.path.join(p, "etc", "original_recipient")
        with open(orig, "w") as f:
            # Dovecot's LMTP offers no DSN, so Postfix sends no ORCPT and
            # the address before aliasing would be lost: record it in a
            # header while smtpd accepts the recipient.
            f.write("/^(.+@(lists\\.)?example\\.org)$/ "
                    "PREPEND X-Original-To: $1\n")
        main = f"""# written by tests/integration/harness.py
compatibility_level = 3.6
queue_directory = {self._socket_dir(os.path.join(p, "queue"))}
data_directory = {p}/data
meta_directory = /etc/postfix
daemon_directory = /usr/lib/postfix/sbin
command_directory = /usr/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.herald.test
mydomain = herald.test
myorigin = $myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access regexp:{orig}
# No syslog here: postlogd writes this file.
maillog_file = {p}/maillog
maillog_file_prefixes = {p}
# Nothing may leave the machine: mail for other domains fails at once.
default_transport = error:herald test instance: no outside delivery
relay_transport = error:herald test instance: no outside delivery
local_transport = error:herald test instance: no local delivery
alias_maps =
alias_database =
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
recipient_delimiter = +
virtual_mailbox_domains = {" ".join(LOCAL_DOMAINS)}
virtual_alias_maps = regexp:{aliases}
virtual_transport = lmtp:inet:127.0.0.1:{self.lmtp_port}
biff = no
# Retry deferred mail within seconds, not minutes (fault tests stop Dovecot).
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"""
        if self.submission:
            sasl = os.path.join(self._socket_dir(os.path.join(
                self.dovecot_dir, "run")), "auth-postfix")
            main += f"""smtpd_tls_chain_files = {os.path.join(self.tls_dir, "leaf.key")} {os.path.join(self.tls_dir, "served.pem")}
smtpd_sasl_type = dovecot
smtpd_sasl_path = {sasl}
"""
        submission = ""
        if self.submission:
            submission = (
                "127.0.0.1:%d inet n - n - - smtpd\n"
                "  -o smtpd_tls_security_level=encrypt\n"
                "  -o smtpd_sasl_auth_enable=yes\n"
                "  -o smtpd_tls_auth_only=yes\n"
                "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
                "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n"
                "tlsmgr unix - - n 1000? 1 tlsmgr\n"
                % self.submission_port)
        master = f"""# written by tests/integration/harness.py; chroot n everywhere
127.0.0.1:{self.postfix_port} inet n - n - - smtpd
{submission}pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
        with open(os.path.join(p, "etc", "main.cf"), "w") as f:
            f.write(main)
        with open(os.path.join(p, "etc", "master.cf"), "w") as f:
            f.write(master)

    def start_postfix(self):
        p = self.postfix_dir
        for sub in ("etc", "data"):
            os.makedirs(os.path.join(p, sub), exist_ok=True)
        chown(os.path.join(p, "data"), "postfix")
        etc = os.path.join(p, "etc")
        for attempt in range(3):
            if self.postfix_port is None or attempt:
                self.postfix_port = free_port()
                if self.submission:
                    self.submission_port = free_port()
            self._postfix_conf()
            rc, out = run([POSTFIX, "-c", etc, "start"],
                          os.path.join(p, "start.log"))
            if rc == 0:
                break
            time.sleep(0.3)     # e.g. lost a port race; try another port
        else:
            # Postfix prints early errors only to a terminal (or syslog,
            # which is absent): get them from 'postfix check' under script(1).
            _, why = run(["script", "-qec", "%s -c %s check" % (POSTFIX, etc),
                          "/dev/null"], os.path.join(p, "check.log"))
            raise HarnessError("postfix did not start (rc %d): %s%s\n%s" % (
                rc, out, why,
                tail(os.path.join(p, "maillog"))))
        wait_for(lambda: listening(self.postfix_port) and (
            not self.submission or listening(self.submission_port)),
            10, "postfix smtpd")

    def stop_postfix(self):
        queue = os.path.realpath(os.path.join(self.postfix_dir, "queue"))
        pid = read_pid(os.path.join(queue, "pid", "master.pid"))
        # The master stops its children; killing it directly avoids
        # 'postfix stop', which polls in 1 s steps.  Every master has the
        # same command line; ours runs in our queue directory.
        if kill_and_wait(pid, lambda pid: os.path.realpath(
                "/proc/%d/cwd" % pid) == queue):
            wait_closed(*[p for p in (self.postfix_port, self.submission_port)
                          if p])

    def wait_delivered(self, n, timeout=20, user="office"):
        """Wait until user's INBOX holds at least n messages (counts the
        Maildir files, no IMAP traffic); returns the count."""
        md = self.maildir(user)

        def count():
            total = 0
            for sub in ("new", "cur"):
                try:
                    total += len(os.listdir(os.path.join(md, sub)))
                except FileNotFoundError:
                    pass
            return total
        try:
            wait_for(lambda: count() >= n, timeout, "%d delivered" % n)
        except HarnessError:
            raise HarnessError("only %d of %d messages delivered; maillog:\n%s"
                               % (count(), n, tail(os.path.join(
                                   self.postfix_dir, "maillog"))))
        return count()


# ---------------------------------------------------------------- CLI

def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=("start", "stop"))
    ap.add_argument("dir")
    ap.add_argument("--postfix", action="store_true")
    ap.add_argument("--tls", action="store_true", help="Dovecot STARTTLS")
    ap.add_argument("--no-sink", action="store_true")
    ap.add_argument("--no-dovecot", action="store_true")
    a = ap.parse_args(argv)
    if a.action == "start":
        s = Servers(a.dir, dovecot=not a.no_dovecot, sink=not a.no_sink,
                    postfix=a.postfix, dovecot_tls=a.tls).start()
        s.detach()
        env = s.env()
        with open(os.path.join(s.workdir, "servers.env"), "w") as f:
            f.write(env)
        sys.stdout.write(env)
    else:
        Servers(a.dir).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

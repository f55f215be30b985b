"""A small scripted IMAP server for fault tests, beside Dovecot.

Dovecot answers correctly; these tests need a server that misbehaves on
cue: one that hangs up or goes silent halfway through a literal, one that
announces a literal of 4294967295 bytes, one that answers FETCH in
descending UID order. It speaks just enough IMAP4rev1 for herald's reader
(CAPABILITY, LOGIN, SELECT, UID SEARCH, UID FETCH, UID STORE, IDLE, NOOP,
LOGOUT), one thread per connection, over a fixed mailbox.

    with ImapFaultServer({1: b"...", 2: b"..."}, fault="eof", faults=1) as s:
        ... s.port ... s.stored -> [uid, ...] flagged \\Seen, in order

fault (on the first `faults` connections, at the first body FETCH):
  "eof"     send half of the first literal, then hang up
  "silent"  send half of the first literal, then say nothing (until stop)
  "huge"    announce {4294967295}, send a few bytes, hang up
order: "asc" or "desc", the order of the messages in FETCH answers.
"""
import re
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def send(self, data):
        self.wfile.write(data if isinstance(data, bytes) else data.encode())
        self.wfile.flush()

    def handle(self):
        srv = self.server.fault
        with srv.lock:
            srv.connections += 1
            self.faulty = srv.connections <= srv.faults
        try:
            self.converse(srv)
        except (ConnectionError, BrokenPipeError, OSError):
            pass        # the client hung up: that is its right

    def converse(self, srv):
        self.send("* OK [CAPABILITY IMAP4rev1 IDLE] fault.test ready\r\n")
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            with srv.lock:
                srv.commands.append(cmd)
            parts = cmd.split(" ", 2)
            if len(parts) < 2:
                self.send("* BAD what?\r\n")
                continue
            tag, verb = parts[0], parts[1].upper()
            rest = parts[2] if len(parts) > 2 else ""
            if verb == "UID":
                sub, _, args = rest.partition(" ")
                if not self.uid_command(srv, tag, sub.upper(), args):
                    return
            elif not self.command(srv, tag, verb):
                return

    def command(self, srv, tag, verb):
        if verb == "CAPABILITY":
            self.send("* CAPABILITY IMAP4rev1 IDLE\r\n%s OK done\r\n" % tag)
        elif verb == "LOGIN":
            self.send("%s OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n" % tag)
        elif verb in ("SELECT", "EXAMINE"):
            uids = srv.uids()
            self.send("* FLAGS (\\Seen)\r\n* %d EXISTS\r\n* 0 RECENT\r\n"
                      "* OK [UIDVALIDITY %d] ok\r\n* OK [UIDNEXT %d] ok\r\n"
                      "%s OK [READ-WRITE] selected\r\n"
                      % (len(uids), srv.uidvalidity,
                         (uids[-1] if uids else 0) + 1, tag))
        elif verb == "IDLE":
            self.send("+ idling\r\n")
            line = self.rfile.readline(1024)
            if not line:
                return False
            self.send("%s OK idle done\r\n" % tag)
        elif verb == "NOOP":
            self.send("%s OK noop\r\n" % tag)
        elif verb == "LOGOUT":
            self.send("* BYE bye\r\n%s OK bye\r\n" % tag)
            return False
        else:
            self.send("%s BAD unknown command\r\n" % tag)
        return True

    def uid_command(self, srv, tag, sub, args):
        uids = srv.uids()
        if sub == "SEARCH":
            m = re.search(r"UID (\d+):\*", args)
            low = int(m.group(1)) if m else 1
            hits = [u for u in uids if u >= low] or uids[-1:]
            self.send("* SEARCH %s\r\n%s OK search\r\n"
                      % (" ".join(map(str, hits)), tag))
        elif sub == "FETCH":
            uset, _, items = args.partition(" ")
            want = [u for u in uids if u in parse_set(uset, uids)]
            if srv.order == "desc":
                want.reverse()
            if not self.fetch(srv, tag, want, items.upper()):
                return False
        elif sub == "STORE":
            uset = args.split(" ", 1)[0]
            with srv.lock:
                srv.stored.extend(u for u in uids if u in parse_set(uset, uids))
            self.send("%s OK stored\r\n" % tag)
        else:
            self.send("%s BAD unknown UID command\r\n" % tag)
        return True

    def fetch(self, srv, tag, want, items):
        uids = srv.uids()
        for u in want:
            seq, raw = uids.index(u) + 1, srv.messages[u]
            if "RFC822.SIZE" in items:
                self.send("* %d FETCH (UID %d RFC822.SIZE %d)\r\n"
                          % (seq, u, len(raw)))
                continue
            if "BODY.PEEK[HEADER]" in items:
                name, data = "BODY[HEADER]<0>", raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            else:
                name, data = "BODY[]", raw
            head = ("* %d FETCH (UID %d %s " % (seq, u, name)).encode()
            if self.faulty and srv.fault:
                return self.misbehave(srv, head, data)
            self.send(head + b"{%d}\r\n" % len(data) + data + b")\r\n")
        self.send("%s OK fetched\r\n" % tag)
        return True

    def misbehave(self, srv, head, data):
        with srv.lock:
            srv.faulted += 1
        if srv.fault == "huge":
            self.send(head + b"{4294967295}\r\n" + data[:64])
        else:
            self.send(head + b"{%d}\r\n" % len(data) + data[:len(data) // 2])
        srv.misbehaved.set()
        if srv.fault == "silent":
            srv.stopping.wait(120)
        return False        # hang up


def parse_set(s, uids):
    """An IMAP sequence set of UIDs ("1,3:5,7:*")."""
    out = set()
    top = uids[-1] if uids else 0
    for part in s.split(","):
        if ":" in part:
            a, b = part.split(":", 1)
            a = top if a == "*" else int(a)
            b = top if b == "*" else int(b)
            out.update(range(min(a, b), max(a, b) + 1))
        elif part:
            out.add(top if part == "*" else int(part))
    return out


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ImapFaultServer:
    def __init__(self, messages, fault=None, faults=0, order="asc",
                 uidvalidity=7):
        self.messages = dict(messages)
        self.fault, self.faults, self.order = fault, faults, order
        self.uidvalidity = uidvalidity
        self.commands, self.stored = [], []
        self.connections = self.faulted = 0
        self.lock = threading.Lock()
        self.misbehaved = threading.Event()
        self.stopping = threading.Event()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.fault = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    def uids(self):
        with self.lock:
            return sorted(self.messages)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

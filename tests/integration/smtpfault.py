"""A small scripted SMTP server for fault tests, beside the real ones.

smtp-sink injects faults for every recipient alike; these tests need a
server that answers per recipient (451 for some, 550 for others), that
hangs after the final dot, or that is slow. It speaks just enough SMTP
(EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), one thread per connection,
and records every accepted message.

    with FaultServer(tempfail={"a@x.org": 1}, permfail={"b@x.org"}) as s:
        ... s.port ... s.messages -> [(mail_from, rcpt, data_bytes)]
"""
import socket
import socketserver
import threading
import time


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        try:
            self.converse()
        except (ConnectionError, BrokenPipeError):
            pass        # the client hung up: that is its right

    def converse(self):
        srv = self.server.fault
        with srv.lock:
            srv.connections += 1
        self.reply("220 fault.test ESMTP")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            verb = cmd.split(" ", 1)[0].upper()
            with srv.lock:
                srv.commands.append(cmd)
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-fault.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                self.wfile.flush()
            elif verb == "MAIL":
                mail_from = cmd[10:].strip().strip("<>").split(">")[0]
                rcpts = []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                rcpt = cmd[8:].strip().strip("<>").split(">")[0].lower()
                if srv.stall_rcpt.get(rcpt):
                    time.sleep(srv.stall_rcpt[rcpt])
                code = srv.rcpt_reply(rcpt)
                if code.startswith("250"):
                    rcpts.append(rcpt)
                self.reply(code)
            elif verb == "DATA":
                if not rcpts:
                    self.reply("554 5.5.1 No valid recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return
                hang = srv.hang_after_dot or (
                    srv.hang_for.get(rcpts[0], 0) if rcpts else 0)
                if hang:
                    time.sleep(hang)
                    return          # hang up without a reply
                if srv.delay:
                    time.sleep(srv.delay)
                with srv.lock:
                    for r in rcpts:
                        srv.messages.append((mail_from, r, data))
                self.reply("250 2.0.0 Ok: queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")

    def read_data(self):
        lines = []
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            if line.startswith(b".."):
                line = line[1:]     # undo dot-stuffing
            lines.append(line)


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FaultServer:
    """tempfail: {rcpt: how many times to answer 451 before accepting};
    permfail: recipients answered 550; hang_after_dot: seconds to wait
    after the final dot before hanging up without a reply; hang_for: the
    same for these recipients only ({rcpt: seconds}); delay: seconds
    before the reply to the final dot; stall_rcpt: seconds to wait before
    answering RCPT for these recipients ({rcpt: seconds})."""

    def __init__(self, tempfail=None, permfail=(), hang_after_dot=0, delay=0,
                 port=0, hang_for=None, stall_rcpt=None):
        self.hang_for = {k.lower(): v for k, v in (hang_for or {}).items()}
        self.stall_rcpt = {k.lower(): v for k, v in (stall_rcpt or {}).items()}
        self.tempfail = {k.lower(): v for k, v in (tempfail or {}).items()}
        self.permfail = {x.lower() for x in permfail}
        self.hang_after_dot = hang_after_dot
        self.delay = delay
        self.messages = []
        self.commands = []
        self.connections = 0
        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.fault = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    def rcpt_reply(self, rcpt):
        with self.lock:
            if rcpt in self.permfail:
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % rcpt
            if self.tempfail.get(rcpt, 0) > 0:
                self.tempfail[rcpt] -= 1
                return "451 4.7.1 <%s>: Recipient address rejected: try again later" % rcpt
        return "250 2.1.5 Ok"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

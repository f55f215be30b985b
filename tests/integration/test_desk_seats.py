"""Seats by category and offers that expire (herald(1), event create/set
--seats and --offer-expiry, rsvp, the offered answer).

Through the real binaries against the test sink: quotas per organisation
kind, a freed seat offered to the first waitlisted of its category, an
offer that expires (its time moved back in the database) passed to the
next, both told, and event show per category.
"""
import os
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util
from sendutil import INVITE, parse, setup_campaign, wait_done, wait_for
from smtpfault import FaultServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def shipped(name):
    with open(os.path.join(ROOT, "templates", name), encoding="utf-8") as f:
        return f.read()


TEMPLATES = {"invite.txt": INVITE, "signature.txt": shipped("signature.txt")}
for _n in ("offered", "offer-expired", "promoted", "event-update",
           "event-cancel"):
    TEMPLATES[_n + ".txt"] = shipped(_n + ".txt")


def contacts():
    orgs = [("Civic One", "civil-society")] * 3 + [("Ministry", "government")] * 2
    return [{"email": "p%d@example.net" % i, "name": "Person %d" % i,
             "organisation": o, "language": "en"}
            for i, (o, _) in enumerate(orgs)]


def seats(w):
    return {s["category"]: s for s in w.json("event", "show", "summit")["seats"]}


class SeatsTest(unittest.TestCase):
    def test_quotas_offer_expires_to_next(self):
        with FaultServer() as srv, util.Workdir(smtp_port=srv.port) as w:
            cs = contacts()
            setup_campaign(w, cs, templates=TEMPLATES, send=False)
            w.ok("org", "set", "Civic One", "--kind", "civil-society")
            w.ok("org", "set", "Ministry", "--kind", "government")
            w.ok("event", "set", "summit", "--seats", "kind=civil-society:1",
                 "--seats", "kind=government:1", "--offer-expiry", "1h")
            r = w.run("event", "set", "summit", "--seats", "colour=red:3")
            self.assertEqual(r.returncode, 64)
            w.ok("campaign", "send", "invite")
            w.start_daemon()
            wait_done(w)
            self.assertEqual(len(srv.messages), 5)
            invites = {r: parse(d) for _, r, d in srv.messages}
            e = [c["email"] for c in cs]
            self.assertIn("yes", w.ok("rsvp", "set", "summit", e[0], "yes").stdout)
            self.assertIn("waitlist", w.ok("rsvp", "set", "summit", e[1], "yes").stdout)
            time.sleep(1.1)     # e[1] first in the queue, e[2] next
            self.assertIn("waitlist", w.ok("rsvp", "set", "summit", e[2], "yes").stdout)
            self.assertIn("yes", w.ok("rsvp", "set", "summit", e[3], "yes").stdout)
            self.assertIn("waitlist", w.ok("rsvp", "set", "summit", e[4], "yes").stdout)
            s = seats(w)
            self.assertEqual((s["kind=civil-society"]["taken"],
                              s["kind=civil-society"]["left"],
                              s["kind=civil-society"]["waitlist"]), (1, 0, 2))
            self.assertEqual((s["kind=government"]["taken"],
                              s["kind=government"]["waitlist"]), (1, 1))

            # a civil-society seat frees: offered to e[1], not to e[4]
            w.ok("rsvp", "set", "summit", e[0], "no")
            wait_for(lambda: len(srv.messages) >= 6, 20, "the offer")
            _, rcpt, data = srv.messages[5]
            m = parse(data)
            self.assertEqual(rcpt, e[1])
            self.assertIn("offered to you", str(m["Subject"]))
            self.assertEqual(m["In-Reply-To"], invites[rcpt]["Message-ID"])
            answers = {r["email"]: r["answer"] for r in w.json("rsvp", "summit")}
            self.assertEqual(answers[e[1]], "offered")
            self.assertEqual(answers[e[4]], "waitlist")
            s = seats(w)
            self.assertEqual((s["kind=civil-society"]["taken"],
                              s["kind=civil-society"]["offered"],
                              s["kind=civil-society"]["left"]), (0, 1, 0))
            text = w.ok("event", "show", "summit").stdout
            self.assertIn("kind=civil-society", text)
            self.assertIn("1 offered a seat", text)

            # the offer expires: e[1] told, the seat offered to e[2]
            con = sqlite3.connect(w.path("herald.db"))
            con.execute("UPDATE rsvp SET offered_at = offered_at - 7200 "
                        "WHERE answer = 'offered'")
            con.commit()
            con.close()
            wait_for(lambda: len(srv.messages) >= 8, 20, "expiry notices")
            got = {r: str(parse(d)["Subject"]) for _, r, d in srv.messages[6:8]}
            self.assertIn("gone to the next person", got[e[1]])
            self.assertIn("offered to you", got[e[2]])
            time.sleep(1.5)
            self.assertEqual(len(srv.messages), 8)
            answers = {r["email"]: r["answer"] for r in w.json("rsvp", "summit")}
            self.assertEqual(answers[e[1]], "expired")
            self.assertEqual(answers[e[2]], "offered")

            # e[2] confirms: the seat is taken
            self.assertIn("yes", w.ok("rsvp", "set", "summit", e[2], "yes").stdout)
            s = seats(w)
            self.assertEqual((s["kind=civil-society"]["taken"],
                              s["kind=civil-society"]["offered"],
                              s["kind=civil-society"]["left"]), (1, 0, 0))
            self.assertEqual(s["kind=government"]["waitlist"], 1)


if __name__ == "__main__":
    unittest.main()

"""Seats by category and offers that expire (herald(1), event create/set
--seats and --offer-expiry, rsvp, the offered answer), and calendar
updates (event set, event cancel).

Through the real binaries against the test sink: quotas per organisation
kind, a freed seat offered to the first waitlisted of its category, an
offer that expires (its time moved back in the database) passed to the
next, both told, and event show per category. An update and a
cancellation read back by python's icalendar (Debian's
python3-icalendar, an independent parser), checked for RFC 5546's
properties, and by a small structural check of our own.
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
            # the deadline, an hour on, in the event's zone and named
            body = m.get_body(("plain",)).get_content()
            self.assertRegex(" ".join(body.split()),
                             r"held until \d{4}-\d\d-\d\d \d\d:\d\d \(\S+\)")
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


def calendar(data):
    """The text/calendar part of a message: (its method param, bytes)."""
    for part in parse(data).walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method"), part.get_payload(decode=True)
    raise AssertionError("no calendar part")


def structure(raw):
    """RFC 5545 3.1 and 3.4: CRLF lines of at most 75 octets, folds
    starting with a space, BEGIN/END nested; returns the unfolded
    properties of the VEVENT as a dict of name -> list of (params, value)."""
    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    for ln in lines:
        assert len(ln) <= 75, ln
    unfolded = []
    for ln in lines:
        if ln.startswith(b" "):
            unfolded[-1] += ln[1:]
        else:
            unfolded.append(ln)
    stack, props = [], {}
    for ln in unfolded:
        ln = ln.decode("utf-8")
        name, _, value = ln.partition(":")
        if name == "BEGIN":
            stack.append(value)
        elif name == "END":
            assert stack and stack.pop() == value, ln
        elif stack == ["VCALENDAR", "VEVENT"]:
            base, _, params = name.partition(";")
            props.setdefault(base, []).append((params, value))
        elif stack == ["VCALENDAR"]:
            props.setdefault("VCALENDAR." + name, []).append(("", value))
    assert stack == []
    return props


class CalendarTest(unittest.TestCase):
    def check(self, raw, method, rcpt):
        import icalendar
        cal = icalendar.Calendar.from_ical(raw)
        self.assertEqual(str(cal["METHOD"]), method)
        evs = [c for c in cal.walk() if c.name == "VEVENT"]
        self.assertEqual(len(evs), 1)
        ev = evs[0]
        # RFC 5546 3.2.2 (REQUEST) and 3.2.5 (CANCEL): required properties
        for p in ("UID", "SEQUENCE", "DTSTAMP", "ORGANIZER", "ATTENDEE",
                  "DTSTART"):
            self.assertIn(p, ev, p)
        self.assertEqual(str(ev["ATTENDEE"]).lower(), "mailto:" + rcpt)
        self.assertTrue(str(ev["ORGANIZER"]).startswith("mailto:"))
        if method == "CANCEL":
            self.assertEqual(str(ev["STATUS"]), "CANCELLED")
        else:
            self.assertIn("SUMMARY", ev)
            self.assertIn("DTEND", ev)
        props = structure(raw)
        self.assertEqual(props["VCALENDAR.METHOD"][0][1], method)
        self.assertEqual(len(props["UID"]), 1)
        return ev

    def test_update_and_cancel(self):
        with FaultServer() as srv, util.Workdir(smtp_port=srv.port) as w:
            cs = contacts()[:3]
            e = [c["email"] for c in cs]
            setup_campaign(w, cs, templates=TEMPLATES)
            w.start_daemon()
            wait_done(w)
            self.assertEqual(len(srv.messages), 3)
            invites = {r: parse(d) for _, r, d in srv.messages}
            meth, raw = calendar(srv.messages[0][2])
            inv = self.check(raw, "REQUEST", srv.messages[0][1])
            uid, seq = str(inv["UID"]), int(inv["SEQUENCE"])
            w.ok("rsvp", "set", "summit", e[1], "no")

            # a change that matters: an update to all but who declined
            out = w.ok("event", "set", "summit", "--location", "Bern, Hall 2",
                       "--description", "Day two; bring your badge").stdout
            self.assertIn("2 updates queued", out)
            wait_for(lambda: len(srv.messages) >= 5, 20, "the updates")
            ups = srv.messages[3:5]
            self.assertEqual(sorted(r for _, r, _ in ups), sorted([e[0], e[2]]))
            for _, rcpt, data in ups:
                m = parse(data)
                self.assertIn("Changed", str(m["Subject"]))
                self.assertEqual(m["In-Reply-To"], invites[rcpt]["Message-ID"])
                meth, raw = calendar(data)
                self.assertEqual(meth, "REQUEST")
                ev = self.check(raw, "REQUEST", rcpt)
                self.assertEqual(str(ev["UID"]), uid)
                self.assertEqual(int(ev["SEQUENCE"]), seq + 1)
                self.assertEqual(str(ev["LOCATION"]), "Bern, Hall 2")
                self.assertEqual(str(ev["DESCRIPTION"]),
                                 "Day two; bring your badge")

            # a capacity is not a calendar change: nobody is told
            out = w.ok("event", "set", "summit", "--capacity", "50").stdout
            self.assertNotIn("queued", out)
            self.assertIn("not a calendar change", out)

            out = w.ok("event", "cancel", "summit").stdout
            self.assertIn("2 cancellations queued", out)
            wait_for(lambda: len(srv.messages) >= 7, 20, "the cancellations")
            time.sleep(1.5)
            self.assertEqual(len(srv.messages), 7)
            for _, rcpt, data in srv.messages[5:7]:
                self.assertIn(rcpt, (e[0], e[2]))
                self.assertIn("Cancelled", str(parse(data)["Subject"]))
                meth, raw = calendar(data)
                self.assertEqual(meth, "CANCEL")
                ev = self.check(raw, "CANCEL", rcpt)
                self.assertEqual(str(ev["UID"]), uid)
                self.assertEqual(int(ev["SEQUENCE"]), seq + 2)
            r = w.run("event", "cancel", "summit")
            self.assertEqual(r.returncode, 65)
            r = w.run("event", "set", "summit", "--title", "Again")
            self.assertEqual(r.returncode, 65)
            # no new invitation to a cancelled event
            w.ok("campaign", "create", "late", "--list", "delegates",
                 "--template", "invite", "--event", "summit")
            r = w.run("campaign", "send", "late", "--yes")
            self.assertEqual(r.returncode, 65)
            self.assertIn("event summit is cancelled", r.stderr)
            time.sleep(1.5)
            self.assertEqual(len(srv.messages), 7)


if __name__ == "__main__":
    unittest.main()

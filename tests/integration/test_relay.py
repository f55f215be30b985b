"""Relaying (issue 5, first part): an owner's post to a relay list
reaches every member once, untouched but for its header (From rewritten,
Reply-To the poster, List-* fields, Precedence, loop marker, signatures
removed); a copy that comes back to the list is a loop, not relayed."""
import email
import email.policy
import os
import re
import time
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import wait_for
from test_inbound import BOUNCE

POST = """\
Authentication-Results: mx.example.org; dkim=pass header.d=redes.org header.s=x;
 dmarc=pass header.from=redes.org
From: =?UTF-8?B?QW5hIFDDqXJleg==?= <ana@redes.org>
To: net@lists.example.org
Subject: =?UTF-8?Q?Reuni=C3=B3n_de_la_red?=
Message-ID: <post-1@redes.org>
Date: Mon, 1 Feb 2027 10:00:00 +0000
DKIM-Signature: v=1; a=rsa-sha256; d=redes.org; s=x; b=abc
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XYZ"

--XYZ
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hola a todas: la reunión es el martes.
.a line that starts with a dot

--XYZ
Content-Type: application/pdf; name="agenda.pdf"
Content-Disposition: attachment; filename="agenda.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK
--XYZ--
"""


class RelayTest(unittest.TestCase):
    def test_owner_post_relayed_once_to_each_member(self):
        sdir = tempfile.mkdtemp(prefix="herald-relay-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                members = ["m1@net.example", "m2@net.example", "m3@net.example"]
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org",
                     "--org", "Red Rural")
                w.ok("contact", "add", "m1@net.example", "--org", "Campesinos")
                w.ok("list", "add", "net", *members)
                srv.imap_append(POST.replace("\n", "\r\n").encode())
                w.start_daemon()
                wait_for(lambda: len(srv.sink_messages()) >= 3, 30, "three copies")
                msgs = srv.sink_messages()
                self.assertEqual(sorted(m.rcpt_to[0] for m in msgs), members)
                original = email.message_from_bytes(POST.replace("\n", "\r\n").encode(),
                                                    policy=email.policy.default)
                for m in msgs:
                    self.assertRegex(m.mail_from, r"^office\+b[0-9a-f]+-[0-9a-f]{20}@example\.org$")
                    r = email.message_from_bytes(m.data, policy=email.policy.default)
                    self.assertEqual(r["From"].addresses[0].display_name, "Ana Pérez via net")
                    self.assertEqual(r["From"].addresses[0].addr_spec, "net@lists.example.org")
                    self.assertEqual(str(r["Reply-To"]), "ana@redes.org")
                    self.assertEqual(r["List-Id"], "<net.lists.example.org>")
                    self.assertEqual(r["List-Post"], "<mailto:net@lists.example.org>")
                    self.assertRegex(r["List-Unsubscribe"], r"^<mailto:office\+u[0-9a-f]+-")
                    self.assertEqual(r["Precedence"], "list")
                    self.assertIsNone(r["DKIM-Signature"])
                    self.assertEqual(str(r["Subject"]), "Reunión de la red")
                    self.assertEqual(r["Message-ID"], "<post-1@redes.org>")
                    # the poster's words and attachment, untouched
                    parts = [p for p in r.walk() if not p.is_multipart()]
                    oparts = [p for p in original.walk() if not p.is_multipart()]
                    self.assertEqual([p.get_payload(decode=True) for p in parts],
                                     [p.get_payload(decode=True) for p in oparts])
                # the queue and the log know each copy
                # (outcomes are committed in batches: wait for them)
                q = wait_for(lambda: (lambda v: v if all(x["state"] == "sent" for x in v)
                                      else None)(w.json("queue")), 10, "all sent")
                self.assertEqual(sorted(x["email"] for x in q), members)
                # the network's log has the post and every copy; the
                # member's organisation has its member's copy
                net = w.json("log", "--org", "Red Rural")
                self.assertEqual(sorted(r["contact"] for r in net
                                        if (r["direction"], r["kind"]) == ("out", "relay")),
                                 members)
                self.assertEqual([r["kind"] for r in net if r["direction"] == "in"], ["post"])
                self.assertEqual([(r["kind"], r["contact"]) for r in
                                  w.json("log", "--org", "Campesinos")],
                                 [("relay", "m1@net.example")])
                # a copy delivered back to the list is a loop, not relayed
                srv.imap_append(msgs[0].data)
                wait_for(lambda: any(i["kind"] == "loop" for i in w.json("inbox")),
                         30, "the loop")
                import time
                time.sleep(2)
                self.assertEqual(len(srv.sink_messages()), 3)
                # the report counts the relaying, in text and in HTML
                rep = w.ok("report").stdout
                self.assertIn("Relay lists", rep)
                # list, organisation, members, posts, delivered, reached
                self.assertRegex(rep, r"(?m)^net\s+Red Rural\s+3\s+1\s+3\s+3\s*$")
                w.ok("report", "--html", w.path("report.html"))
                page = w.read("report.html")
                self.assertIn("<td>net</td>", page)
                self.assertIn("<td class=n>3</td>", page)
                # a member leaves through their copy's List-Unsubscribe:
                # they leave the list, not everything herald sends
                r = email.message_from_bytes(
                    [m for m in msgs if m.rcpt_to == ["m2@net.example"]][0].data,
                    policy=email.policy.default)
                unsub = r["List-Unsubscribe"].strip("<>")[len("mailto:"):]
                srv.imap_append(("From: m2@net.example\r\nTo: %s\r\n"
                                 "Subject: unsubscribe\r\nMessage-ID: <bye@net.example>\r\n"
                                 "\r\nbye\r\n" % unsub).encode())
                wait_for(lambda: [x for x in w.json("list", "show", "net")["members"]
                                  if x["email"] == "m2@net.example"
                                  and x["state"] == "unsubscribed"], 30, "m2 left")
                self.assertEqual(w.json("contact", "show", "m2@net.example")["status"],
                                 "active")
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_member_bounces_score_and_disabled_get_nothing(self):
        sdir = tempfile.mkdtemp(prefix="herald-rbounce-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port, imap_port=srv.imap_port,
                                 extra="bounce = { bouncing = 1; disabled = 1; };") as w:
                members = ["m1@net.example", "m2@net.example"]
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
                w.ok("list", "add", "net", *members)
                w.start_daemon()
                post = util.auth("redes.org") + \
                       "From: ana@redes.org\r\nTo: net@lists.example.org\r\n" \
                       "Subject: news %d\r\nMessage-ID: <n-%d@redes.org>\r\n\r\ntext\r\n"
                srv.imap_append((post % (1, 1)).encode())
                copies = wait_for(lambda: (lambda v: v if len(v) == 2 else None)(
                    srv.sink_messages()), 30, "two copies")
                m2 = [m for m in copies if m.rcpt_to == ["m2@net.example"]][0]
                # m2's mailbox is gone: the bounce reaches the copy's own
                # bounce address, is matched to that copy and scored
                srv.imap_append(BOUNCE.format(n=1, bounce=m2.mail_from,
                                              email="m2@net.example").encode())
                wait_for(lambda: w.json("contact", "show", "m2@net.example")["status"]
                         == "disabled", 30, "m2 disabled")
                self.assertIn("bounced", [x["state"] for x in w.json("queue")
                                          if x["email"] == "m2@net.example"])
                # the next post reaches only those who still receive mail
                srv.imap_append((post % (2, 2)).encode())
                wait_for(lambda: len(srv.sink_messages()) >= 3, 30, "the second post")
                time.sleep(2)
                self.assertEqual([m.rcpt_to for m in srv.sink_messages()[2:]],
                                 [["m1@net.example"]])
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_member_who_left_meanwhile_gets_no_retry(self):
        """A copy waiting for a retry is not sent to a member who has left
        the list, or whose contact was disabled, since it was queued."""
        sdir = tempfile.mkdtemp(prefix="herald-rleft-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                members = ["m1@net.example", "m2@net.example", "m3@net.example"]
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
                w.ok("list", "add", "net", *members)
                srv.stop_sink()         # the relay host is down for a while
                w.start_daemon()
                srv.imap_append(util.auth("redes.org").encode() +
                                b"From: ana@redes.org\r\nTo: net@lists.example.org\r\n"
                                b"Subject: news\r\nMessage-ID: <left@redes.org>\r\n"
                                b"\r\ntext\r\n")
                wait_for(lambda: len([q for q in w.json("queue")
                                      if q["state"] == "deferred"]) == 3, 30, "deferred")
                w.ok("list", "remove", "net", "m2@net.example")
                w.ok("contact", "set", "m3@net.example", "status=disabled")
                srv.start_sink()
                wait_for(lambda: srv.sink_messages(), 30, "the retry")
                time.sleep(2)
                self.assertEqual([m.rcpt_to for m in srv.sink_messages()],
                                 [["m1@net.example"]])
                states = {q["email"]: q["state"] for q in w.json("queue")}
                self.assertEqual(states, {"m1@net.example": "sent",
                                          "m2@net.example": "cancelled",
                                          "m3@net.example": "cancelled"})
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_bounce_count_restarts_after_a_quiet_spell(self):
        """Hard bounces count once a day, and after bounce.reset_after
        without one the count starts again (Mailman's stale rule)."""
        import sqlite3
        sdir = tempfile.mkdtemp(prefix="herald-rstale-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port, imap_port=srv.imap_port,
                                 extra="bounce = { bouncing = 3; disabled = 4; "
                                       "reset_after = 604800; };") as w:
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
                w.ok("list", "add", "net", "m1@net.example")
                w.start_daemon()

                def score():
                    c = w.json("contact", "show", "m1@net.example")
                    return c["bounce_score"], c["status"]

                def post_and_bounce(n, days_ago):
                    # the last bounce moved back in time, as if days passed
                    con = sqlite3.connect(w.path("herald.db"))
                    con.execute("UPDATE contact SET bounce_last = bounce_last - ? "
                                "WHERE email = 'm1@net.example'", (days_ago * 86400,))
                    con.commit()
                    con.close()
                    srv.imap_append((util.auth("redes.org") +
                                     "From: ana@redes.org\r\nTo: net@lists.example.org\r\n"
                                     "Subject: news %d\r\nMessage-ID: <s-%d@redes.org>\r\n"
                                     "\r\ntext\r\n" % (n, n)).encode())
                    copy = wait_for(lambda: (lambda v: v[n - 1] if len(v) >= n else None)(
                        srv.sink_messages()), 30, "copy %d" % n)
                    srv.imap_append(BOUNCE.format(n=n, bounce=copy.mail_from,
                                                  email="m1@net.example").encode())
                    wait_for(lambda: len([i for i in w.json("inbox")
                                          if i["kind"] == "bounce"]) == n, 30,
                             "bounce %d read" % n)
                    return score()

                self.assertEqual(post_and_bounce(1, 0), (1, "active"))
                # the same day again: not counted twice
                self.assertEqual(post_and_bounce(2, 0), (1, "active"))
                self.assertEqual(post_and_bounce(3, 2), (2, "active"))
                # eight quiet days: the count starts again at one
                self.assertEqual(post_and_bounce(4, 8), (1, "active"))
                self.assertEqual(post_and_bounce(5, 2), (2, "active"))
                self.assertEqual(post_and_bounce(6, 2), (3, "bouncing"))
                self.assertRegex(w.ok("contact", "show", "m1@net.example").stdout,
                                 r"(?m)^bounces:\s+3, the last 20")
                # set back to active by hand: the count is forgiven
                w.ok("contact", "set", "m1@net.example", "status=active")
                self.assertEqual(score(), (0, "active"))
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_too_many_hops_is_a_loop(self):
        with util.Workdir() as w:
            hops = "".join("Received: from hop%d by hop%d\n" % (i, i + 1)
                           for i in range(51))
            path = w.write("loop.eml", hops + "From: a@example.net\n"
                           "To: net@lists.example.org\nSubject: x\n\nbody\n")
            self.assertEqual(w.json("inbox", "explain", path)[0]["kind"], "loop")

    def test_list_options_shown_and_changed(self):
        with util.Workdir() as w:
            w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
            j = w.json("list", "show", "net")
            self.assertEqual((j["tag"], j["reply_to"], j["organisation"]),
                             (None, "poster", None))
            w.ok("list", "set", "net", "--tag", "red", "--reply-to", "list",
                 "--org", "Red Rural")
            j = w.json("list", "show", "net")
            self.assertEqual((j["tag"], j["reply_to"], j["organisation"]),
                             ("red", "list", "Red Rural"))
            self.assertIn("subject tag [red], replies to the list",
                          w.ok("list", "show", "net").stdout)
            # back to none and to the kind's rule; other options untouched
            w.ok("list", "set", "net", "--tag", "", "--reply-to", "kind")
            j = w.json("list", "show", "net")
            self.assertEqual((j["tag"], j["reply_to"], j["organisation"]),
                             (None, "poster", "Red Rural"))
            for bad, code in ((("--reply-to", "all"), 64), (("--tag", "a]b"), 65)):
                r = w.run("list", "set", "net", *bad)
                self.assertEqual(r.returncode, code, r.stderr)
            self.assertEqual(w.run("list", "set", "net").returncode, 64)
            self.assertEqual(w.run("list", "set", "nosuch", "--tag", "x").returncode, 65)

    def test_own_list_id_is_a_loop(self):
        with util.Workdir() as w:
            # a list may not take the name of another's own address
            r = w.run("list", "create", "net-request", "--kind", "relay")
            self.assertEqual(r.returncode, 65)
            self.assertIn("-request", r.stderr)
            w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
            def kind(list_id):
                path = w.write("p.eml", util.auth("redes.org", "\n") +
                               "From: ana@redes.org\n"
                               "To: net@lists.example.org\n%s"
                               "Subject: x\n\nbody\n" % list_id)
                return w.json("inbox", "explain", path)[0]
            # the marker was stripped on the way, but herald's List-Id stayed
            r = kind('List-Id: "Other" <other.LISTS.example.org>\n')
            self.assertEqual(r["kind"], "loop")
            self.assertIn("<other.LISTS.example.org>", r["why"])
            self.assertEqual(kind("List-Id: <net.lists.example.org>\n")["kind"], "loop")
            # a subject alone that reads like an out-of-office: held, not
            # dropped; with a real auto-reply header it is one
            path = w.write("v.eml", "From: ana@redes.org\nTo: net@lists.example.org\n"
                           "Subject: Vacation schedule for the network\n\nbody\n")
            r = w.json("inbox", "explain", path)[0]
            self.assertEqual(r["kind"], "held")
            self.assertIn("out-of-office", r["why"])
            path = w.write("v2.eml", "From: ana@redes.org\nTo: net@lists.example.org\n"
                           "Auto-Submitted: auto-replied\n"
                           "Subject: Vacation schedule for the network\n\nbody\n")
            self.assertEqual(w.json("inbox", "explain", path)[0]["kind"], "autoreply")
            # another manager's list, or a look-alike domain: an owner's post
            for lid in ("List-Id: <net.lists.example.net>\n",
                        "List-Id: <net.xlists.example.org>\n",
                        "List-Id: <lists.example.org>\n",
                        # a list on a subdomain of lists_domain is not ours
                        "List-Id: <staff.sub.lists.example.org>\n", ""):
                self.assertEqual(kind(lid)["kind"], "post", lid)


    def test_subscribe_confirm_unsubscribe_help(self):
        sdir = tempfile.mkdtemp(prefix="herald-cmd-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
                w.start_daemon()

                def request(frm, subject, to="net-request@lists.example.org", n=[0]):
                    n[0] += 1
                    srv.imap_append(("From: %s\r\nTo: %s\r\nSubject: %s\r\n"
                                     "Message-ID: <req-%d@example.net>\r\n\r\n%s\r\n"
                                     % (frm, to, subject, n[0], subject)).encode())

                def sent_to(addr):
                    return [email.message_from_bytes(m.data, policy=email.policy.default)
                            for m in srv.sink_messages() if m.rcpt_to == [addr]]

                def members():
                    return {x["email"]: x["state"] for x in
                            w.json("list", "show", "net")["members"]}

                # subscribe: a confirmation goes to the address, RFC 3834 style
                request("sam@x.example", "subscribe")
                c = wait_for(lambda: sent_to("sam@x.example"), 30, "confirmation")[0]
                self.assertIn("Confirm: subscribe to the net list", str(c["Subject"]))
                self.assertEqual(c["Auto-Submitted"], "auto-replied")
                m = [x for x in srv.sink_messages() if x.rcpt_to == ["sam@x.example"]][0]
                self.assertEqual(m.mail_from, "")
                self.assertNotIn("sam@x.example", members())
                # answered: Sam is a member
                request("sam@x.example", "Re: confirm", to=str(c["Reply-To"]))
                wait_for(lambda: members().get("sam@x.example") == "active", 30, "Sam in")
                # somebody else's address: only the address can say yes
                request("victim@x.example", "subscribe")
                wait_for(lambda: sent_to("victim@x.example"), 30, "victim's confirmation")
                request("victim@x.example", "subscribe")
                time.sleep(3)
                self.assertEqual(len(sent_to("victim@x.example")), 1, "one a day")
                self.assertNotIn("victim@x.example", members())
                # help
                request("who@x.example", "help")
                h = wait_for(lambda: sent_to("who@x.example"), 30, "help")[0]
                self.assertIn("Help for the net list", str(h["Subject"]))
                # unsubscribe, confirmed with "confirm TOKEN"
                request("sam@x.example", "unsubscribe")
                u = wait_for(lambda: [x for x in sent_to("sam@x.example")
                                      if "unsubscribe" in str(x["Subject"])], 30, "unsub")[0]
                token = re.search(r"confirm (c[0-9a-f]+-[0-9a-f]{20})",
                                  u.get_body(("plain",)).get_content()).group(1)
                request("sam@x.example", "confirm " + token)
                wait_for(lambda: members().get("sam@x.example") == "unsubscribed",
                         30, "Sam out")
                # an erased person's token never confirms a later request
                # of somebody else's (it named a row number that came free)
                # (a request makes no contact: Alice joins, then asks to
                # leave, and is erased with that token outstanding)
                request("alice@x.example", "subscribe")
                a = wait_for(lambda: sent_to("alice@x.example"), 30, "alice's")[0]
                request("alice@x.example", "Re: confirm", to=str(a["Reply-To"]))
                wait_for(lambda: members().get("alice@x.example") == "active", 30,
                         "Alice in")
                request("alice@x.example", "unsubscribe")
                a = wait_for(lambda: [x for x in sent_to("alice@x.example")
                                      if "unsubscribe" in str(x["Subject"])], 30,
                             "alice's unsubscribe")[0]
                alice_token = re.search(r"confirm (c[0-9a-f]+-[0-9a-f]{20})",
                                        a.get_body(("plain",)).get_content()).group(1)
                w.ok("contact", "erase", "alice@x.example")
                request("mallory@x.example", "subscribe")
                wait_for(lambda: sent_to("mallory@x.example"), 30, "mallory's")
                request("mallory@x.example", "confirm " + alice_token)
                wait_for(lambda: len([i for i in w.json("inbox")
                                      if i["from"] == "mallory@x.example"]) == 2,
                         30, "mallory's confirm read")
                self.assertNotIn("mallory@x.example", members())
                # at most 10 automatic answers to one address a day
                for _ in range(12):
                    request("who@x.example", "help")
                wait_for(lambda: len(sent_to("who@x.example")) >= 10, 60, "ten answers")
                time.sleep(3)
                self.assertEqual(len(sent_to("who@x.example")), 10)
                # and the log says why the last ones got none
                said = [r["summary"] for r in w.json("log") if r["kind"] == "command"]
                self.assertTrue(any("no answer to who@x.example" in x for x in said), said)
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_held_post_notice_and_approval(self):
        sdir = tempfile.mkdtemp(prefix="herald-mod-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org",
                     "--tag", "net", "--reply-to", "list", "--org", "Red Rural")
                w.ok("list", "add", "net", "m1@net.example", "m2@net.example")
                w.start_daemon()
                srv.imap_append(b"From: outsider@example.com\r\n"
                                b"To: net@lists.example.org\r\nSubject: buy now\r\n"
                                b"Message-ID: <spam-1@example.com>\r\n\r\noffer\r\n")
                notice = wait_for(lambda: [m for m in srv.sink_messages()
                                           if m.rcpt_to == ["ana@redes.org"]], 30,
                                  "the moderator's notice")
                n = email.message_from_bytes(notice[0].data, policy=email.policy.default)
                self.assertIn("Held for moderation", str(n["Subject"]))
                self.assertEqual(n["Auto-Submitted"], "auto-replied")
                held = w.json("moderate", "net")
                self.assertEqual(len(held), 1)
                self.assertEqual(held[0]["from"], "outsider@example.com")
                # nothing went to the members yet
                self.assertFalse([m for m in srv.sink_messages()
                                  if m.rcpt_to[0].endswith("@net.example")])
                w.ok("moderate", "approve", str(held[0]["id"]))
                wait_for(lambda: len([m for m in srv.sink_messages()
                                      if m.rcpt_to[0].endswith("@net.example")]) == 2,
                         30, "the approved post relayed")
                self.assertEqual(w.json("moderate"), [])
                copy = [email.message_from_bytes(m.data, policy=email.policy.default)
                        for m in srv.sink_messages() if m.rcpt_to == ["m1@net.example"]][0]
                self.assertEqual(str(copy["Subject"]), "[net] buy now")
                self.assertEqual(str(copy["Reply-To"]), "net@lists.example.org")
                r = w.run("moderate", "approve", str(held[0]["id"]))
                self.assertEqual(r.returncode, 65)
                # refused, with a reason: the poster is told, politely
                for n, who in ((2, "seller@example.com"), (3, "late@example.com")):
                    srv.imap_append(("From: %s\r\nTo: net@lists.example.org\r\n"
                                     "Subject: post %d\r\nMessage-ID: <h-%d@example.com>\r\n"
                                     "\r\ntext\r\n" % (who, n, n)).encode())
                held = wait_for(lambda: (lambda v: v if len(v) == 2 else None)(
                    w.json("moderate", "net")), 30, "two held")
                seller = [h for h in held if h["from"] == "seller@example.com"][0]
                w.ok("moderate", "reject", str(seller["id"]), "--reason", "no advertising")
                told = wait_for(lambda: [m for m in srv.sink_messages()
                                         if m.rcpt_to == ["seller@example.com"]], 30, "told")
                t = email.message_from_bytes(told[0].data, policy=email.policy.default)
                self.assertIn("no advertising", t.get_body(("plain",)).get_content())
                self.assertEqual(told[0].mail_from, "")
                # nobody decides on the other: it expires, the poster told once
                import sqlite3
                con = sqlite3.connect(w.path("herald.db"))
                con.execute("UPDATE inbound SET received_at = received_at - 30 * 86400 "
                            "WHERE held_state = 'held'")
                con.commit()
                con.close()
                wait_for(lambda: [m for m in srv.sink_messages()
                                  if m.rcpt_to == ["late@example.com"]], 30, "expiry notice")
                time.sleep(2)
                self.assertEqual(len([m for m in srv.sink_messages()
                                      if m.rcpt_to == ["late@example.com"]]), 1)
                self.assertEqual(w.json("moderate"), [])
                # mail to net-owner@ (any case) reaches the owner alone,
                # and her answer goes back to the writer
                srv.imap_append(b"From: Curious <q@example.com>\r\n"
                                b"To: NET-Owner@lists.example.org\r\nSubject: a question\r\n"
                                b"Message-ID: <q@example.com>\r\n\r\nwho runs this?\r\n")
                q = wait_for(lambda: [m for m in srv.sink_messages()
                                      if m.rcpt_to == ["ana@redes.org"] and
                                      b"who runs this?" in m.data], 30, "to the owner")
                qm = email.message_from_bytes(q[0].data, policy=email.policy.default)
                self.assertEqual(str(qm["Reply-To"]), "q@example.com")
                self.assertFalse([m for m in srv.sink_messages()
                                  if m.rcpt_to[0].endswith("@net.example")
                                  and b"who runs this?" in m.data])
                # mail from another list is held, and refusing it tells
                # nobody (RFC 3834: list mail is never answered)
                srv.imap_append(b"From: Other <news@other.example>\r\n"
                                b"To: net@lists.example.org\r\nSubject: digest\r\n"
                                b"List-Id: <news.other.example>\r\n"
                                b"Message-ID: <digest@other.example>\r\n\r\nnews\r\n")
                other = wait_for(lambda: w.json("moderate", "net"), 30, "held digest")
                w.ok("moderate", "reject", str(other[0]["id"]), "--reason", "not here")
                # nor is what reads like an out-of-office
                srv.imap_append(b"From: away@example.com\r\n"
                                b"To: net@lists.example.org\r\nSubject: Out of office\r\n"
                                b"Message-ID: <away@example.com>\r\n\r\nback monday\r\n")
                away = wait_for(lambda: w.json("moderate", "net"), 30, "held away")
                w.ok("moderate", "reject", str(away[0]["id"]), "--reason", "noise")
                time.sleep(3)
                self.assertEqual([m for m in srv.sink_messages()
                                  if m.rcpt_to in (["news@other.example"],
                                                   ["away@example.com"])], [])
                # every decision is in the network's log, the expiry too
                decisions = [r["summary"] for r in w.json("log", "--org", "Red Rural")
                             if r["kind"] == "moderation"]
                self.assertEqual(len(decisions), 5, decisions)
                self.assertIn("approved", decisions[0])
                self.assertIn("no advertising", decisions[1])
                self.assertIn("expired", decisions[2])
                self.assertIn("not here", decisions[3])
                self.assertEqual(decisions, [r["summary"] for r in w.json("log", "--list", "net")
                                             if r["kind"] == "moderation"])
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_parent_announcement_forwarded_with_one_reply(self):
        sdir = tempfile.mkdtemp(prefix="herald-parent-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                w.ok("list", "create", "delegates", "--kind", "announce",
                     "--owner", "boss@office.example")
                w.ok("list", "add", "delegates", "ana@redes.org", "bob@gov.example")
                w.ok("list", "create", "net", "--kind", "relay", "--owner",
                     "ana@redes.org", "--parent", "delegates")
                # bob is on both: he has the announcement already
                w.ok("list", "add", "net", "m1@net.example", "m2@net.example",
                     "bob@gov.example")
                w.start_daemon()
                srv.imap_append(util.auth("office.example").encode() +
                                b"From: Boss <boss@office.example>\r\n"
                                b"To: delegates@lists.example.org\r\nSubject: Agenda\r\n"
                                b"Message-ID: <agenda@office.example>\r\n\r\n"
                                b"The agenda is out.\r\n")
                got = wait_for(lambda: (lambda v: v if len(v) == 2 else None)(
                    {m.rcpt_to[0]: m for m in srv.sink_messages()}), 30, "two copies")
                ana = email.message_from_bytes(got["ana@redes.org"].data,
                                               policy=email.policy.default)
                bob = email.message_from_bytes(got["bob@gov.example"].data,
                                               policy=email.policy.default)
                self.assertEqual(str(bob["Reply-To"]), "boss@office.example")
                self.assertRegex(str(ana["Reply-To"]), r"^office\+r[0-9a-f]+-")
                # the owner is told, above the announcement, what a reply
                # of "relay" does; a plain member is not
                parts = [p for p in ana.walk() if not p.is_multipart()]
                self.assertIn('"relay"', parts[0].get_content())
                self.assertIn("The agenda is out.", parts[1].get_content())
                self.assertNotIn(b'"relay"', got["bob@gov.example"].data)
                # Ana answers "relay": her network gets the announcement
                srv.imap_append(("From: ana@redes.org\r\nTo: %s\r\nSubject: Re: Agenda\r\n"
                                 "Message-ID: <fw@redes.org>\r\n\r\nrelay\r\n\r\n"
                                 "> The agenda is out.\r\n" % ana["Reply-To"]).encode())
                wait_for(lambda: len(srv.sink_messages()) >= 4, 30, "forwarded")
                time.sleep(1)
                self.assertEqual(len(srv.sink_messages()), 4, "bob got it twice")
                down = [email.message_from_bytes(m.data, policy=email.policy.default)
                        for m in srv.sink_messages() if m.rcpt_to[0].endswith("@net.example")]
                self.assertEqual(len(down), 2)
                self.assertEqual(down[0]["List-Id"], "<net.lists.example.org>")
                self.assertIn("The agenda is out.", down[0].get_body(("plain",)).get_content())
                # the report counts the reach
                wait_for(lambda: all(x["state"] == "sent" for x in w.json("queue")), 10, "sent")
                rep = w.ok("report").stdout
                # under the network delegates: post, when, subject, lists, reached
                self.assertIn("Network delegates (announce list)", rep)
                self.assertRegex(rep, r"(?m)^#\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+Agenda\s+1\s+2\s*$")
                # a second "relay" forwards nothing more
                srv.imap_append(("From: ana@redes.org\r\nTo: %s\r\nSubject: Re: Agenda\r\n"
                                 "Message-ID: <fw2@redes.org>\r\n\r\nrelay\r\n"
                                 % ana["Reply-To"]).encode())
                time.sleep(4)
                self.assertEqual(len(srv.sink_messages()), 4)
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

if __name__ == "__main__":
    util.main()

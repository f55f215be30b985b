#!/usr/bin/python3
"""Every listing and show command's --json output against its schema in
tests/json/ (one schema per command, checked by tests/json/schema.py on
the standard library): flags are arrays, a show is one object, and a
field has one name in every command (herald(1), JSON OUTPUT).

Run: /usr/bin/python3 tests/integration/test_json.py
"""
import json
import os
import re
import sqlite3
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "json"))
import schema  # noqa: E402
import sendutil  # noqa: E402
import util  # noqa: E402

# schema name -> (the command's words, its operands); --json is added
CASES = {
    "list-ls": (("list", "ls"), ()),
    "list-show": (("list", "show"), ("delegates",)),
    "contact-list": (("contact", "list"), ()),
    "contact-show": (("contact", "show"), ("ana@example.org",)),
    "org-list": (("org", "list"), ()),
    "org-show": (("org", "show"), ("Red",)),
    "event-ls": (("event", "ls"), ()),
    "event-show": (("event", "show"), ("summit",)),
    "campaign-ls": (("campaign", "ls"), ()),
    "campaign-status": (("campaign", "status"), ("invite",)),
    "campaign-show": (("campaign", "show"), ("invite",)),
    "queue": (("queue",), ()),
    "rsvp": (("rsvp",), ("summit",)),
    "rsvp-answer": (("rsvp",), ("summit", "--answer", "yes")),
    "rsvp-by": (("rsvp",), ("summit", "--by", "country")),
    "contact-thread": (("contact", "thread"), ("bo@example.net",)),
    "inbox": (("inbox",), ()),
    "inbox-show": (("inbox", "show"), ("1",)),
    "moderate": (("moderate",), ()),
    "log": (("log",), ()),
    "template-ls": (("template", "ls"), ()),
}
# commands with --json that print something else than a listing or a
# show, and why they have no schema here
NOT_LISTINGS = {
    ("inbox", "explain"): "inbox-explain, checked with a file below",
    ("queue", "retry"): "its --list is the queue's rows (schema queue)",
    ("contact", "export"): "prints JSON always; the format of an export",
}


def commands_with_json():
    """Every "NOUN [VERB]" whose usage line offers --json."""
    w = util.Workdir(init=False)
    try:
        out = w.run("--help").stdout
        found = []
        for m in re.finditer(r"^  ([a-z]+(?: [a-z]+)?)\s", out, re.M):
            words = tuple(m.group(1).split())
            usage = w.run(*(words + ("--help",))).stdout
            if "--json" in usage.split("\n\n")[0] or "\n  --json" in usage:
                found.append(words)
        return found
    finally:
        w.close()


class JsonSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        w = cls.w = util.Workdir()
        sendutil.setup_campaign(w, [
            dict(email="ana@example.org", name="Ana 山田", organisation="Red",
                 language="es"),
            dict(email="bo@example.net", name="Bo", organisation="Blue",
                 language="en")], send=False)
        w.ok("rsvp", "set", "summit", "ana@example.org", "yes")
        w.ok("log", "add", "bo@example.net", "called about the visa")
        w.ok("campaign", "send", "invite")
        con = sqlite3.connect(w.path("herald.db"))
        con.execute(
            "INSERT INTO inbound (kind, from_addr, subject, flags, received_at, "
            "held_state, list_id) VALUES ('held', 'x@example.com', 'hi', "
            "'unverified,other-sender,', 1700000000, 'held', "
            "(SELECT id FROM list WHERE name = 'delegates'))")
        con.commit()
        con.close()
        cls.explain = w.write("reply.eml", "From: ana@example.org\r\n"
                              "To: office@example.org\r\nSubject: Re: hi\r\n"
                              "Message-ID: <r1@example.org>\r\n\r\nYes, I come.\r\n")

    @classmethod
    def tearDownClass(cls):
        cls.w.close()

    def check(self, name, doc):
        errs = schema.errors(doc, schema.load(name))
        self.assertEqual(errs, [], "%s: %s" % (name, json.dumps(doc)[:2000]))

    def test_every_listing_and_show_matches_its_schema(self):
        for name, (cmd, operands) in CASES.items():
            words = cmd + operands
            with self.subTest(command=" ".join(words)):
                doc = self.w.json(*words)
                self.check(name, doc)
                # not vacuous: every listing here has rows
                self.assertTrue(doc, "%s printed nothing" % " ".join(words))

    def test_inbox_explain_matches_its_schema(self):
        self.check("inbox-explain", self.w.json("inbox", "explain", self.explain))

    def test_every_command_with_json_has_a_schema(self):
        covered = {cmd for cmd, _ in CASES.values()}
        found = commands_with_json()
        self.assertIn(("inbox", "show"), found)
        for words in found:
            with self.subTest(command=" ".join(words)):
                self.assertTrue(words in covered or words in NOT_LISTINGS,
                                "herald %s --json has no schema in tests/json"
                                % " ".join(words))

    def test_every_schema_is_used(self):
        names = {f[:-len(".schema.json")] for f in os.listdir(schema.HERE)
                 if f.endswith(".schema.json")}
        self.assertEqual(names, set(CASES) | {"inbox-explain"})

    def test_flags_are_arrays_and_show_is_one_object(self):
        row = self.w.json("inbox")[0]
        self.assertEqual(row["flags"], ["unverified", "other-sender"])
        one = self.w.json("inbox", "show", "1")
        self.assertIsInstance(one, dict)
        self.assertEqual(one["flags"], ["unverified", "other-sender"])
        self.assertEqual(one["received_at"], row["received_at"])

    def test_validator_rejects_what_it_should(self):
        s = schema.load("inbox-show")
        good = self.w.json("inbox", "show", "1")
        self.assertEqual(schema.errors(good, s), [])
        for broken in (dict(good, flags="unverified,other-sender,"),
                       [good],
                       {k: v for k, v in good.items() if k != "received_at"},
                       dict(good, received=good["received_at"]),
                       dict(good, received_at="2023-11-14 22:13")):
            self.assertNotEqual(schema.errors(broken, s), [], broken)


if __name__ == "__main__":
    util.main()

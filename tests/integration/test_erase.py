"""contact erase keeps every count: an erased person's answer still
counts in campaign status and the report, anonymously."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util
from sendutil import people, setup_campaign, status


class EraseTest(unittest.TestCase):
    def test_erased_answer_still_counts(self):
        with util.Workdir() as w:
            cs = people(3)
            setup_campaign(w, cs)
            w.ok("rsvp", "set", "summit", cs[1]["email"], "no")
            w.ok("rsvp", "set", "summit", cs[2]["email"], "yes")
            before = status(w)
            self.assertEqual((before["rsvp"]["no"], before["rsvp"]["yes"]), (1, 1))
            w.ok("contact", "erase", cs[1]["email"], "--yes")
            after = status(w)
            self.assertEqual(after["total"], before["total"])
            self.assertEqual(after["rsvp"], before["rsvp"])
            # and nothing names the person any more
            self.assertNotIn(cs[1]["email"], w.ok("queue").stdout)
            self.assertNotIn(cs[1]["email"],
                             [c["email"] for c in w.json("contact", "list")])


if __name__ == "__main__":
    unittest.main(verbosity=2)

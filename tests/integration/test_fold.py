"""Long Subjects and display names, folded as strict readers want
(issue 15): the first encoded word stays on the field's own line, folds
fall only between words, no line is white space alone, and Python's
email package (policy.default) reads each value back with no leading or
doubled space. The messages are the bytes herald put on the wire.
"""
import email
import email.policy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util
from sendutil import setup_campaign, wait_done
from smtpfault import FaultServer

SUBJECTS = {
    "en": "An invitation to the annual meeting of the research and education "
          "networks of Latin America and the Caribbean, 2027, in Geneva",
    "es": "Invitación a la reunión anual de las redes de investigación y "
          "educación de América Latina y el Caribe, 2027, en Ginebra",
    "fr": "Re: l'ordre du jour de la séance du café et des plans régionaux "
          "des réseaux pour l'année prochaine à Genève",
}
NAMES = {
    "en": "Grace O'Connor of the Regional Research and Education Network "
          "Association of the Caribbean",
    "es": "José Núñez de la Peña y Ibáñez, Coordinación Regional de Redes "
          "Académicas de América Latina",
    "fr": "Amélie Lefèvre, Réseau national de télécommunications pour la "
          "technologie, l'enseignement et la recherche",
}


class FoldTest(unittest.TestCase):
    def test_long_subjects_and_names_read_back_clean(self):
        templates = {}
        for lang, subj in SUBJECTS.items():
            name = "invite.txt" if lang == "en" else "invite.%s.txt" % lang
            templates[name] = "Subject: %s\n\nDear {{contact.name}},\nhello.\n" % subj
        contacts = [{"email": "p%d@example.net" % i, "name": NAMES[lang],
                     "organisation": "Org", "language": lang}
                    for i, lang in enumerate(sorted(SUBJECTS))]
        with FaultServer() as srv:
            w = util.Workdir(smtp_port=srv.port)
            try:
                setup_campaign(w, contacts, templates=templates, event=False)
                w.start_daemon()
                wait_done(w)
                self.assertEqual(len(srv.messages), 3)
                for _, rcpt, data in srv.messages:
                    lang = [c["language"] for c in contacts if c["email"] == rcpt][0]
                    self.check_raw(data)
                    msg = email.message_from_bytes(data, policy=email.policy.default)
                    self.assertEqual(str(msg["Subject"]), SUBJECTS[lang])
                    to = msg["To"].addresses[0]
                    self.assertEqual(to.display_name, NAMES[lang])
                    self.assertEqual(to.addr_spec, rcpt)
                    for v in (str(msg["Subject"]), to.display_name):
                        self.assertFalse(v.startswith(" "), v)
                        self.assertNotIn("  ", v)
            finally:
                w.close()

    def check_raw(self, data):
        head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
        field = None
        for line in head.split("\r\n"):
            self.assertTrue(line.strip(), "a line of white space alone: %r" % head)
            if line[:1] not in (" ", "\t"):
                field, _, value = line.partition(":")
                if field in ("Subject", "From", "To"):
                    # the value starts on the field's own line
                    self.assertTrue(value.strip(), "%s alone on its line" % field)
            if field in ("Subject", "From", "To"):
                self.assertLessEqual(len(line), 78, line)


if __name__ == "__main__":
    unittest.main()

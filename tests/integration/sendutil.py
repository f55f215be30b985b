"""Shared set-up for the outbound tests: contacts, templates, a campaign,
and waiting for heraldd to finish it."""
import email
import email.policy
import json
import time

import util

INVITE = """\
Subject: Invitation: {{event.title}}
X-Herald-Test: {{campaign.name}}

Dear {{contact.name}},

{{contact.organisation}} is invited to {{event.title}} on {{event.start}}.
{{#contact.attr.funding}}Travel is funded.{{/contact.attr.funding}}
Yes: {{rsvp.yes}}
No: {{rsvp.no}}
"""
INVITE_ES = """\
Subject: Invitación: {{event.title}}

Estimada/o {{contact.name}}:

{{contact.organisation}} está invitada a {{event.title}}.
Sí: {{rsvp.yes}}
"""
INVITE_FR = """\
Subject: Invitation à {{event.title}}

Madame, Monsieur {{contact.name}},

{{contact.organisation}} est invitée à {{event.title}}.
Oui : {{rsvp.yes}}
"""
REMINDER = """\
Subject: Reminder: {{event.title}}

Dear {{contact.name}}, we have not heard from you yet.
"""
LOGISTICS = """\
Subject: Practical information: {{event.title}}

Dear {{contact.name}}, here is how to get there.
"""


def setup_campaign(w, contacts, templates=None, event=True, name="invite",
                   template="invite", send=True):
    """contacts: list of dicts with email, name, organisation, language,
    and optional attributes. Creates list 'delegates', event 'summit'."""
    for fname, text in (templates or {"invite.txt": INVITE, "invite.es.txt": INVITE_ES,
                                      "invite.fr.txt": INVITE_FR}).items():
        w.write("templates/" + fname, text)
    cols = ["email", "name", "organisation", "language"]
    extra = sorted({k for c in contacts for k in c if k not in cols})
    import csv
    import io
    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(cols + extra)
    for c in contacts:
        wr.writerow([c.get(k, "") for k in cols + extra])
    w.write("contacts.csv", buf.getvalue())
    lst = "delegates" if name == "invite" else name
    w.ok("list", "create", lst, "--kind", "announce")
    w.ok("contact", "import", w.path("contacts.csv"), "--list", lst)
    args = ["campaign", "create", name, "--list", lst, "--template", template]
    if event:
        w.ok("event", "create", "summit", "--title", "Summit of Networks",
             "--start", "2027-03-02 09:00", "--end", "2027-03-03 17:00",
             "--tz", "Europe/Zurich", "--location", "Geneva")
        args += ["--event", "summit"]
    w.ok(*args)
    if send:
        w.ok("campaign", "send", name)


def status(w, name="invite"):
    return json.loads(w.ok("campaign", "status", name, "--json").stdout)


def wait_done(w, name="invite", timeout=60, states=("done",)):
    end = time.time() + timeout
    while time.time() < end:
        s = status(w, name)
        if s["state"] in states:
            return s
        time.sleep(0.2)
    raise AssertionError("campaign %s not done in %ds: %s\n%s"
                         % (name, timeout, status(w, name), w.daemon_log()[-3000:]))


def wait_for(cond, timeout=30, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def parse(data):
    """Parse strictly: any defect is an error."""
    return email.message_from_bytes(data, policy=email.policy.strict)


def queue(w, *args):
    return json.loads(w.ok("queue", "--json", *args).stdout)


def people(n, domain="example.net"):
    """n contacts in three languages with non-ASCII names."""
    first = {"es": ["José", "María", "Iñaki", "Begoña"], "fr": ["Amélie", "François", "Zoé"],
             "en": ["Grace", "Wanjiru", "Seán"]}
    last = {"es": ["Núñez", "Peña", "Ibáñez"], "fr": ["Lefèvre", "Gérard", "Noël"],
            "en": ["O'Connor", "Mwangi", "Smith"]}
    out = []
    for i in range(n):
        lang = ["es", "fr", "en"][i % 3]
        f = first[lang][i % len(first[lang])]
        l = last[lang][i % len(last[lang])]
        c = {"email": "p%03d@%s" % (i, domain), "name": "%s %s" % (f, l),
             "organisation": "Organización %d" % (i % 7), "language": lang}
        if i % 2 == 0:
            c["funding"] = "yes"
        out.append(c)
    return out

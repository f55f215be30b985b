"""contrib/demo_replies.py: the mail that comes back after an invitation
round, for contrib/demo.sh. It reads what smtp-sink received, and puts
into the office mailbox (the private Dovecot) what delegates would send:
a yes, a no in Spanish, a question, an out-of-office, a bounce, and a
network owner's announcement to her relay list.

  python3 demo_replies.py SINK_DUMP IMAP_PORT OWNER_EMAIL
"""
import email
import email.policy
import imaplib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "integration"))
import harness  # noqa: E402  (smtp-sink's dump format lives there)


def reply(inv, sender, body, extra=""):
    """A reply to one invitation: to its Reply-To, threaded under it."""
    return ("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nIn-Reply-To: %s\r\n"
            "Message-ID: <demo-%s>\r\n%sContent-Type: text/plain; charset=utf-8\r\n"
            "\r\n%s\r\n" % (sender, inv["Reply-To"], inv["Subject"], inv["Message-ID"],
                            sender.replace("@", "."), extra, body))


def bounce(bounce_addr, rcpt):
    """What a receiving server sends back to a message's bounce address
    when the recipient's mailbox is gone."""
    return ("From: MAILER-DAEMON@mx.example.net\r\nTo: %s\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "Message-ID: <demo-bounce@mx.example.net>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; "
            "boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            "Your message could not be delivered.\r\n\r\n--b\r\n"
            "Content-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example.net\r\n\r\n"
            "Final-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--b--\r\n"
            % (bounce_addr, rcpt))


def main():
    dump, port, owner = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sent = [m for m in harness.parse_sink_dump(dump) if m.rcpt_to[0] != owner]
    invs = [(m, email.message_from_bytes(m.data, policy=email.policy.default))
            for m in sent[:5]]
    who = [m.rcpt_to[0] for m, _ in invs]
    mail = [
        reply(invs[0][1], who[0], "Yes, we will attend. Thank you!"),
        reply(invs[1][1], who[1], "Lamentablemente no podremos asistir."),
        reply(invs[2][1], who[2],
              "Will there be interpretation into Portuguese?\r\n\r\n> Will you attend?"),
        reply(invs[3][1], who[3], "I am out of the office until Monday.",
              "Auto-Submitted: auto-replied\r\n"),
        bounce(invs[4][0].mail_from, who[4]),
        # the office's own mail server vouches for the owner's domain
        # (OpenDMARC adds this; herald.conf names it inbound.authserv_id)
        ("Authentication-Results: mx.example.org; dmarc=pass header.from=%s\r\n"
         "From: %s\r\nTo: red-mujeres@lists.example.org\r\n"
         "Subject: Convocatoria: cumbre de redes 2027\r\n"
         "Message-ID: <demo-post@reddemujeresrurale.org>\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n\r\n"
         "Queridas compañeras: la cumbre será en Ginebra, 2 y 3 de marzo.\r\n"
         % (owner.split("@")[1], owner)),
    ]
    imap = imaplib.IMAP4("127.0.0.1", port)
    imap.login("office", "secret")
    for m in mail:
        imap.append("INBOX", None, None, m.encode())
    imap.logout()
    for w, what in zip(who, ("says yes", "says no, in Spanish", "asks a question",
                             "is out of the office", "has a mailbox that bounces")):
        print("%-40s %s" % (w, what))
    print("%-40s posts to her network's relay list" % owner)


if __name__ == "__main__":
    main()

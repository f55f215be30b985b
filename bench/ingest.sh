#!/bin/sh
# bench/ingest.sh: N replies waiting in a private Dovecot; time until
# heraldd has read, classified, recorded and flagged all of them, against
# mbsync (isync) fetching the same N from the same Dovecot into a Maildir
# on the same disk, in the same run. Prints both rates and the ratio
# (target >= 0.8).   sh bench/ingest.sh [N]   (default 10000)
set -eu
N=${1:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/herald-ibench.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null
	/usr/bin/python3 "$top/tests/integration/harness.py" stop "$work/srv" \
		>/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
command -v mbsync >/dev/null || apt-get install -y -q isync >/dev/null
cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build-bench" -j"$(nproc)" >/dev/null
/usr/bin/python3 "$top/tests/integration/harness.py" start "$work/srv" \
	--no-sink >/dev/null
. "$work/srv/servers.env"

# N realistic replies (about 3 KB), dropped straight into the Maildir
/usr/bin/python3 - "$work/srv" "$N" <<'PY'
import os, sys, pwd
srv, n = sys.argv[1], int(sys.argv[2])
box = os.path.join(srv, "dovecot", "mail", "office", "Maildir")
new = os.path.join(box, "new")
for d in ("new", "cur", "tmp"):
    os.makedirs(os.path.join(box, d), exist_ok=True)
quote = "".join("> line %d of the invitation we sent you, quoted back.\n" % i
                for i in range(40))
for i in range(n):
    body = ("From: Delegate %d <d%d@example.net>\nTo: office@example.org\n"
            "Subject: Re: Invitation\nMessage-ID: <r%d@example.net>\n"
            "Date: Mon, 1 Feb 2027 10:00:00 +0000\n\nYes, I will attend.\n\n"
            "On Mon, Coordinating Office wrote:\n%s" % (i, i, i, quote))
    with open(os.path.join(new, "%d.bench:2," % i), "w") as f:
        f.write(body)
uid = pwd.getpwnam("dovecot").pw_uid
os.chown(os.path.dirname(box), uid, uid)
for root, dirs, files in os.walk(os.path.dirname(box)):
    for x in dirs + files:
        os.chown(os.path.join(root, x), uid, uid)
PY

now() { date +%s.%N; }
# the reference: mbsync pulls everything into a Maildir
mkdir -p "$work/mbsync/inbox"
cat > "$work/mbsyncrc" <<RC
IMAPAccount bench
Host 127.0.0.1
Port $IMAP_PORT
User office
Pass secret
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $work/mbsync/
Inbox $work/mbsync/inbox

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
RC
t0=$(now)
mbsync -q -c "$work/mbsyncrc" bench
t1=$(now)
got=$(find "$work/mbsync/inbox/new" "$work/mbsync/inbox/cur" -type f | wc -l)

cat > "$work/herald.conf" <<CONF
database = "herald.db";
sender = { address = "office@example.org"; };
lists_domain = "lists.example.org";
smtp = { url = "smtp://127.0.0.1:1"; tls = "off"; };
imap = { url = "imap://127.0.0.1:$IMAP_PORT/INBOX"; tls = "off"; user = "office"; password_file = "pw"; };
CONF
echo secret > "$work/pw"
"$top/build-bench/herald" -c "$work/herald.conf" init >/dev/null
t2=$(now)
"$top/build-bench/heraldd" -f -c "$work/herald.conf" 2>"$work/heraldd.log" &
dpid=$!
while :; do
	n=$(sqlite3 "$work/herald.db" "SELECT count(*) FROM inbound" 2>/dev/null || echo 0)
	[ "$n" -ge "$N" ] && break
	sleep 0.1
done
t3=$(now)
rss=$(awk '/VmHWM/ {print $2}' /proc/$dpid/status)
/usr/bin/python3 - "$N" "$got" "$t0" "$t1" "$t2" "$t3" "$rss" <<'PY'
import sys
n, got = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3 = map(float, sys.argv[3:7])
ref, h = got / (t1 - t0), n / (t3 - t2)
print("N=%d  mbsync: %.0f msg/s (%d fetched)  heraldd: %.0f msg/s (read, "
      "classified, recorded, flagged)  ratio %.2f (target 0.80)  peak RSS %.1f MB"
      % (n, ref, got, h, h / ref, int(sys.argv[7]) / 1024))
PY

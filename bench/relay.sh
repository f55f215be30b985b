#!/bin/sh
# bench/relay.sh: one 4 KB post to an N-member relay list, until all N
# copies are in smtp-sink: heraldd (reading the post from a private
# Dovecot, relaying it) against smtp-source -d -s 4 sending N 4 KB
# messages, and against Debian's mlmmj relaying the same post to the same
# members, all into the same sink in the same run. mlmmj waits on TCP
# delayed ACKs when it sends one copy per member; it relays the post to M
# members (default all N) and is compared by rate.  sh bench/relay.sh [N] [M]
set -eu
N=${1:-10000}
M=${2:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/herald-rbench.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${sink:-}" ] && kill "$sink" 2>/dev/null
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null
	/usr/bin/python3 "$top/tests/integration/harness.py" stop "$work/srv" \
		>/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
dpkg -s mlmmj >/dev/null 2>&1 || apt-get install -y -q mlmmj >/dev/null
cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build-bench" -j"$(nproc)" >/dev/null
/usr/bin/python3 "$top/tests/integration/harness.py" start "$work/srv" \
	--no-sink >/dev/null
. "$work/srv/servers.env"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink -u nobody 127.0.0.1:"$port" 1024 &
sink=$!
sleep 0.5
now() { date +%s.%N; }

# the post (about 4 KB) and the members
/usr/bin/python3 - "$work" "$N" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
para = "News from the network, to be relayed to every member of it. " * 6
with open(work + "/post.eml", "w") as f:
    f.write("From: Ana <ana@redes.org>\nTo: net@lists.example.org\n"
            "Subject: News\nMessage-ID: <news-1@redes.org>\n\n")
    f.write((para + "\n") * 11)
with open(work + "/members.txt", "w") as f:
    for i in range(n):
        f.write("member%d@net.example\n" % i)
PY

t0=$(now)
/usr/sbin/smtp-source -d -s 4 -m "$N" -l 4096 -f a@x.org -t b@y.org \
	127.0.0.1:"$port"
t1=$(now)

# heraldd: the post arrives by IMAP, the copies go to the sink
cat > "$work/herald.conf" <<CONF
database = "herald.db";
sender = { address = "office@example.org"; };
lists_domain = "lists.example.org";
smtp = { url = "smtp://127.0.0.1:$port"; tls = "off"; connections = 4; };
imap = { url = "imap://127.0.0.1:$IMAP_PORT/INBOX"; tls = "off"; user = "office"; password_file = "pw"; };
CONF
echo secret > "$work/pw"
h="$top/build-bench/herald -c $work/herald.conf"
$h init >/dev/null
$h list create net --kind relay --owner ana@redes.org >/dev/null
(echo email; cat "$work/members.txt") > "$work/members.csv"
$h contact import "$work/members.csv" --list net >/dev/null
/usr/bin/python3 - "$IMAP_PORT" "$work/post.eml" <<'PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("office", "secret")
m.append("INBOX", None, None, open(sys.argv[2], "rb").read().replace(b"\n", b"\r\n"))
m.logout()
PY
t2=$(now)
"$top/build-bench/heraldd" -f -c "$work/herald.conf" 2>"$work/heraldd.log" &
dpid=$!
while [ "$(sqlite3 "$work/herald.db" "SELECT count(*) FROM message WHERE kind = 'relay' AND state = 'sent'" 2>/dev/null || echo 0)" -lt "$N" ]; do
	sleep 0.1
done
t3=$(now)
rss=$(awk '/VmHWM/ {print $2}' /proc/$dpid/status)
kill "$dpid"; wait "$dpid" 2>/dev/null || true; dpid=

# mlmmj: the same post to the first M members
ml="$work/mlmmj/net"
mkdir -p "$ml"
for d in incoming queue queue/discarded archive text subconf unsubconf \
    bounce control moderation subscribers.d digesters.d nomailsubs.d \
    requeue; do mkdir -p "$ml/$d"; done
echo net@lists.example.org > "$ml/control/listaddress"
echo 127.0.0.1 > "$ml/control/relayhost"
echo "$port" > "$ml/control/smtpport"
# one copy per member with its own bounce address, as herald sends: VERP
# with one recipient a message (else mlmmj puts many in one transaction)
touch "$ml/control/verp"
echo 1 > "$ml/control/maxverprecips"
head -n "$M" "$work/members.txt" > "$ml/subscribers.d/m"
t4=$(now)
/usr/bin/mlmmj-receive -F -L "$ml" < "$work/post.eml"
# mlmmj-process hands the sending to mlmmj-send in the background
sleep 0.2
while pgrep -f "mlmmj-(process|send).*$ml" >/dev/null; do sleep 0.05; done
t5=$(now)

/usr/bin/python3 - "$N" "$M" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$rss" <<'PY'
import sys
n, m = int(sys.argv[1]), int(sys.argv[2])
t = list(map(float, sys.argv[3:9]))
src, her, mlm = n / (t[1] - t[0]), n / (t[3] - t[2]), m / (t[5] - t[4])
print("N=%d  smtp-source: %.0f msg/s  heraldd relay: %.0f msg/s  mlmmj (%d copies): %.0f msg/s"
      % (n, src, her, m, mlm))
print("      heraldd/smtp-source %.2f (target 0.80)  heraldd/mlmmj %.1f  peak RSS %.1f MB"
      % (her / src, her / mlm, int(sys.argv[9]) / 1024))
PY

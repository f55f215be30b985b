#!/bin/sh
# bench/relay.sh: one 4 KB post to an N-member relay list, until all N
# copies are in smtp-sink: heraldd (reading the post from a private
# Dovecot, relaying it) against smtp-source -d -s 4 sending N 4 KB
# messages, and against Debian's mlmmj relaying the same post to the same
# members, all into smtp-sink in the same run (mlmmj into a second one that
# dumps what it gets, to check it one copy per member). mlmmj waits on TCP
# delayed ACKs when it sends one copy per member; it relays the post to M
# members (default all N) and is compared by rate; M=0 leaves it out.  Every figure is
# checked by counting what the sinks got: the script fails, and prints no
# rate, when a sender did not deliver its copies.  sh bench/relay.sh [N] [M]
set -eu
N=${1:-10000}
M=${2:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/herald-rbench.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${sink:-}" ] && kill "$sink" 2>/dev/null
	[ -n "${msink:-}" ] && kill "$msink" 2>/dev/null
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null
	/usr/bin/python3 "$top/tests/integration/harness.py" stop "$work/srv" \
		>/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$M" -eq 0 ] || dpkg -s mlmmj >/dev/null 2>&1 ||
	apt-get install -y -q mlmmj >/dev/null
. "$top/bench/lib.sh"
bench_build "$top" "$work"
/usr/bin/python3 "$top/tests/integration/harness.py" start "$work/srv" \
	--no-sink >/dev/null
. "$work/srv/servers.env"
port=$(bench_freeport)
# -c: the sink writes its running counters (sess= quit= mesg=, a line
# ended by CR each time a "." arrives) to sink.count, so what it really
# received can be checked against what each sender claims to have sent
/usr/sbin/smtp-sink -u nobody -c 127.0.0.1:"$port" 1024 >"$work/sink.count" &
sink=$!
sleep 0.5
now() { date +%s.%N; }
die() { echo "relay.sh: $*" >&2; exit 1; }
# what the main sink and mlmmj's have received (bench/lib.sh)
sunk() { bench_sunk "$work/sink.count"; }
msunk() { bench_sunk "$work/msink.count"; }
# expect N WHO: the main sink holds exactly N messages
expect() { bench_expect sunk "$@"; }

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
expect "$N" "smtp-source"
# what libcurl alone reaches here (bench/curl_ceiling.c): herald's ceiling
set -- $("$work/curl_ceiling" "$port" "$N" 4)
ceiling=$1
expect "$((2 * N))" "curl_ceiling"
# and under herald's crash rule: a durable start mark for each message
set -- $("$work/curl_ceiling" "$port" "$N" 4 journal "$work/ceiling.journal")
durable=$1
expect "$((3 * N))" "curl_ceiling journal"

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
$h list create net --kind relay --owner ana@redes.org --post-check none \
	>/dev/null
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
# the copies are made in one transaction when the post is read
bench_drain "$work/herald.db" relay
t3=$(now)
[ "$(sqlite3 "$work/herald.db" "SELECT count(*) FROM message WHERE kind = 'relay' AND state = 'sent'")" -eq "$N" ] ||
	die "heraldd: not all $N copies sent"
rss=$(awk '/VmHWM/ {print $2}' /proc/$dpid/status)
kill "$dpid"; wait "$dpid" 2>/dev/null || true; dpid=
# "sent" in the database must mean N more copies in the sink
expect "$((4 * N))" "heraldd"

if [ "$M" -eq 0 ]; then
	/usr/bin/python3 - "$N" "$t0" "$t1" "$t2" "$t3" "$rss" "$ceiling" \
	    "$durable" <<'PY'
import sys
n = int(sys.argv[1])
t = list(map(float, sys.argv[2:6]))
src, her, cur = n / (t[1] - t[0]), n / (t[3] - t[2]), float(sys.argv[7])
dur = float(sys.argv[8])
print("N=%d  smtp-source: %.0f msg/s  libcurl alone: %.0f msg/s  heraldd relay: %.0f msg/s"
      % (n, src, cur, her))
print("      libcurl with durable start marks: %.0f msg/s" % dur)
print("      heraldd/smtp-source %.2f (target 0.80)  heraldd/libcurl %.2f"
      "  heraldd/durable libcurl %.2f  peak RSS %.1f MB"
      % (her / src, her / cur, her / dur, int(sys.argv[6]) / 1024))
PY
	exit 0
fi

# mlmmj: the same post to the first M members, into a sink of its own that
# also dumps every transaction (MAIL FROM and each RCPT TO), so its copies
# are counted apart and checked one per member after the run
mport=$(bench_freeport)
mkdir "$work/msink"; chown nobody "$work/msink"
/usr/sbin/smtp-sink -u nobody -c -D "$work/msink/dump" 127.0.0.1:"$mport" \
	1024 >"$work/msink.count" &
msink=$!
sleep 0.5
ml="$work/mlmmj/net"
mkdir -p "$ml"
for d in incoming queue queue/discarded archive text subconf unsubconf \
    bounce control moderation subscribers.d digesters.d nomailsubs.d \
    requeue; do mkdir -p "$ml/$d"; done
echo net@lists.example.org > "$ml/control/listaddress"
echo 127.0.0.1 > "$ml/control/relayhost"
echo "$mport" > "$ml/control/smtpport"
# one copy per member with its own bounce address, as herald sends: that is
# mlmmj's own VERP, used when control/verp is absent.  (An empty
# control/verp with maxverprecips 1 gives one recipient a copy too, but
# all with the same bounce address and a new SMTP session each.)
head -n "$M" "$work/members.txt" > "$ml/subscribers.d/m"
t4=$(now)
# mlmmj-receive takes the envelope sender from Return-Path:, which the MTA
# adds when it pipes a message to the list's alias; without it
# mlmmj-process discards the post ("missing envelope from address", only
# in syslog) and sends nothing
{ echo "Return-Path: <ana@redes.org>"; echo "Delivered-To: net@lists.example.org"
  cat "$work/post.eml"; } | /usr/bin/mlmmj-receive -F -L "$ml"
# mlmmj-process hands the sending to mlmmj-send in the background: done
# when the sink has all M, given up when no mlmmj process has run for a
# while (about 0.25 s) and copies are still missing
idle=0
while [ "$(msunk)" -lt "$M" ] && [ "$idle" -lt 5 ]; do
	if pgrep -f "mlmmj-(process|send).*$ml" >/dev/null; then idle=0
	else idle=$((idle + 1)); fi
	sleep 0.05
done
t5=$(now)
got=$(msunk)
if [ "$got" -ne "$M" ]; then
	find "$ml/queue" "$ml/requeue" -type f >&2
	[ -f "$ml/mlmmj.operation.log" ] && tail "$ml/mlmmj.operation.log" >&2
	die "mlmmj: the sink got $got of $M copies (mlmmj logs why only to syslog)"
fi
# one transaction per copy, one recipient each, every member once
set -- $(awk '/^X-Mail-Args:/ { t++ } /^X-Rcpt-Args:/ { r++; u[$2]++ }
	END { n = 0; for (a in u) n++; print t + 0, r + 0, n }' "$work/msink/dump")
[ "$1" -eq "$M" ] && [ "$2" -eq "$M" ] && [ "$3" -eq "$M" ] ||
	die "mlmmj: $1 transactions, $2 recipients, $3 distinct; expected $M each"

/usr/bin/python3 - "$N" "$M" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$rss" "$ceiling" \
    "$durable" <<'PY'
import sys
n, m = int(sys.argv[1]), int(sys.argv[2])
t = list(map(float, sys.argv[3:9]))
src, her, mlm = n / (t[1] - t[0]), n / (t[3] - t[2]), m / (t[5] - t[4])
cur, dur = float(sys.argv[10]), float(sys.argv[11])
print("N=%d  smtp-source: %.0f msg/s  libcurl alone: %.0f msg/s  heraldd relay: %.0f msg/s"
      "  mlmmj (%d copies): %.0f msg/s" % (n, src, cur, her, m, mlm))
print("      libcurl with durable start marks: %.0f msg/s" % dur)
print("      heraldd/smtp-source %.2f (target 0.80)  heraldd/libcurl %.2f"
      "  heraldd/durable libcurl %.2f  libcurl/smtp-source %.2f"
      "  heraldd/mlmmj %.1f  peak RSS %.1f MB"
      % (her / src, her / cur, her / dur, cur / src, her / mlm,
         int(sys.argv[9]) / 1024))
PY

#!/bin/sh
# bench/web.sh: does heraldd's web endpoint slow its sender? heraldd sends
# N personalised messages to an announce list (with http, so each one
# carries List-Unsubscribe's URL) into Postfix's smtp-sink twice in the
# same run: once quiet, once while ab (apache2-utils) keeps 1,000
# concurrent requests on an unsubscribe page (a real token, a real row:
# a database read per request). Prints both send rates, the slowdown
# (target <= 10%) and what ab measured, and a control: the slowdown two
# SCHED_IDLE processor burners cause without any request (on a 2-core
# machine this floor is itself above 10%: the load generator shares the
# processors with the sender). Run on demand, not a test.
#   sh bench/web.sh [N]        default: 5000
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5000}
command -v ab >/dev/null || apt-get install -y -q apache2-utils >/dev/null
ulimit -n 8192
work=$(mktemp -d /tmp/herald-bench-web.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${sink:-}" ] && kill "$sink" 2>/dev/null
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null
	[ -n "${abpid:-}" ] && kill "$abpid" 2>/dev/null
	[ -n "${burn:-}" ] && kill $burn 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build-bench" -j"$(nproc)" >/dev/null
herald="$top/build-bench/herald"
heraldd="$top/build-bench/heraldd"
freeport() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(freeport)
/usr/sbin/smtp-sink -u nobody 127.0.0.1:"$port" 1024 &
sink=$!
sleep 0.5
now() { date +%s.%N; }

# run MODE (quiet|loaded): sets rate, sent, ab_out
run() {
	runs=$((${runs:-0} + 1))
	d="$work/$runs-$1"
	web=$(freeport)
	mkdir -p "$d/templates"
	cat > "$d/herald.conf" <<CONF
database = "herald.db";
templates = "templates";
sender = { name = "Coordinating Office"; address = "office@example.org"; };
lists_domain = "lists.example.org";
smtp = { url = "smtp://127.0.0.1:$port"; tls = "off"; connections = 4; };
http = { listen = "127.0.0.1:$web"; base_url = "http://127.0.0.1:$web";
         connections = 2000; rate = 100000; };
CONF
	/usr/bin/python3 - "$d" "$n" <<'PY'
import sys, csv
d, n = sys.argv[1], int(sys.argv[2])
with open(d + "/templates/bench.txt", "w") as f:
    f.write("Subject: News for {{contact.name}}\n\nDear {{contact.name}},\n\n")
    f.write(("The coordinating office writes to its networks; this line "
             "pads the message to a real size.\n") * 30)
with open(d + "/contacts.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["email", "name", "organisation", "language"])
    for i in range(n):
        w.writerow(["person%d@example.net" % i, "Persón %d" % i, "Org %d" % (i % 500),
                    ("en", "es", "fr")[i % 3]])
PY
	export HERALD_CONF="$d/herald.conf"
	"$herald" init >/dev/null
	"$herald" list create all --kind announce >/dev/null
	"$herald" contact import "$d/contacts.csv" --list all >/dev/null
	"$herald" campaign create bench --list all --template bench >/dev/null
	# the unsubscribe page of message 1 (the campaign's first row, once
	# queued), its token made as lib/token.c makes it
	url=$(/usr/bin/python3 - "$d" "$web" <<'PY'
import sys, hmac, hashlib
d, web = sys.argv[1], sys.argv[2]
key = bytes.fromhex(open(d + "/secret").read().strip())
body = "u%x" % 1
print("http://127.0.0.1:%s/u/%s-%s" % (web, body,
      hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:20]))
PY
)
	"$heraldd" -f 2>"$d/heraldd.log" &
	dpid=$!
	while ! curl -s -o /dev/null "http://127.0.0.1:$web/health"; do sleep 0.05; done
	abpid=
	if [ "$1" = loaded ]; then
		# keep 1,000 requests in flight for the whole send; ab is the
		# people out there, not herald: it runs under SCHED_IDLE, as
		# they would not be on this host at all
		( while :; do chrt --idle 0 ab -q -r -s 30 -n 20000 -c 1000 "$url" >>"$d/ab.txt" 2>&1 || true; done ) &
		abpid=$!
		sleep 2
	fi
	burn=
	if [ "$1" = floor ]; then
		# the control: no web requests, only two SCHED_IDLE processor
		# burners. What they cost the sender is the floor this machine
		# sets for any load beside it, however low its priority
		for i in 1 2; do
			chrt --idle 0 /usr/bin/python3 -c 'while 1: pass' &
			burn="$burn $!"
		done
	fi
	# the same clock in both runs: from queueing to the last one sent
	t0=$(now)
	"$herald" campaign send bench >/dev/null
	while :; do
		left=$(sqlite3 "$d/herald.db" "SELECT count(*) FROM message WHERE state IN ('queued','sending','deferred')")
		[ "$left" = 0 ] && break
		sleep 0.05
	done
	t1=$(now)
	if [ -n "$abpid" ]; then
		kill "$abpid" 2>/dev/null; pkill -P "$abpid" 2>/dev/null || true
		wait "$abpid" 2>/dev/null || true
		abpid=
	fi
	if [ -n "$burn" ]; then
		kill $burn 2>/dev/null || true
		burn=
	fi
	kill "$dpid"; wait "$dpid" 2>/dev/null || true
	dpid=
	sent=$(sqlite3 "$d/herald.db" "SELECT count(*) FROM message WHERE state = 'sent'")
	rate=$(echo "$sent / ($t1 - $t0)" | bc -l)
	ab_out=$(grep -E "^(Complete requests|Failed requests|Requests per second|Non-2xx)" "$d/ab.txt" 2>/dev/null | tail -4 | tr -s ' ' | paste -sd';' || true)
}

# quiet, loaded, the floor, quiet again: the machine's other load
# drifts, so the quiet rate is the mean of the first and last runs
run quiet
quiet1=$rate
quiet_sent=$sent
run loaded
loaded=$rate
loaded_sent=$sent
loaded_ab=$ab_out
run floor
floor=$rate
run quiet
quiet=$(echo "($quiet1 + $rate) / 2" | bc -l)
printf 'N=%d  sender quiet: %.0f msg/s (%d sent)  with 1,000 concurrent web requests: %.0f msg/s (%d sent)\n' \
	"$n" "$quiet" "$quiet_sent" "$loaded" "$loaded_sent"
printf '      slowdown %.1f%% (target <= 10%%)\n' "$(echo "(1 - $loaded / $quiet) * 100" | bc -l)"
printf '      quiet runs: %.0f and %.0f msg/s\n' "$quiet1" "$rate"
printf '      floor: with two SCHED_IDLE processor burners and no requests: %.0f msg/s, slowdown %.1f%%\n' \
	"$floor" "$(echo "(1 - $floor / $quiet) * 100" | bc -l)"
# ab counts an answer whose length differs from its first as failed: the
# page is a 404 until the campaign's first row is queued
printf '      ab (last round): %s\n' "$loaded_ab"

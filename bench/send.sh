#!/bin/sh
# bench/send.sh: heraldd sending N personalised 4 KB messages into Postfix's
# smtp-sink, against smtp-source -d -s 4 sending N 4 KB messages into the
# same sink, in the same run. Prints both rates, the ratio (target >= 0.8)
# and heraldd's peak RSS (target < 64 MB, flat in N). heraldd runs twice
# per N: with its durable journal (fdatasync of the start marks per poll
# round, synced rotations and outcome commits), and with
# HERALD_JOURNAL_NOSYNC=1 (no journal syncs, unsynced outcome commits: the
# cost before power loss was survivable); the last line gives the ratio.
#   sh bench/send.sh [N...]        default: 10000 100000
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sizes=${*:-10000 100000}
work=$(mktemp -d /tmp/herald-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${sink:-}" ] && kill "$sink" 2>/dev/null
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build-bench" -j"$(nproc)" >/dev/null
herald="$top/build-bench/herald"
cc -O2 -o "$work/curl_ceiling" "$top/bench/curl_ceiling.c" $(pkg-config --cflags --libs libcurl)
heraldd="$top/build-bench/heraldd"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink -u nobody 127.0.0.1:"$port" 1024 &
sink=$!
sleep 0.5

now() { date +%s.%N; }

# heraldd_run N MODE: sends N messages with heraldd; sets rate, rss, sent,
# size, fill. MODE: durable, or nosync (HERALD_JOURNAL_NOSYNC=1).
heraldd_run() {
	n=$1
	d="$work/h$n-$2"
	mkdir -p "$d/templates"
	cat > "$d/herald.conf" <<CONF
database = "herald.db";
templates = "templates";
sender = { name = "Coordinating Office"; address = "office@example.org"; };
lists_domain = "lists.example.org";
smtp = { url = "smtp://127.0.0.1:$port"; tls = "off"; connections = 4; };
CONF
	# about 4 KB once personalised and encoded
	/usr/bin/python3 - "$d" "$n" <<'PY'
import sys, csv
d, n = sys.argv[1], int(sys.argv[2])
para = ("The coordinating office invites your organisation to take part in "
        "the summit of networks; this paragraph pads the message to the size "
        "of a real invitation with practical details. ")
with open(d + "/templates/bench.txt", "w") as f:
    f.write("Subject: Invitation for {{contact.name}}\n\nDear {{contact.name}},\n\n")
    f.write((para + "\n") * 19)
    f.write("\nYour organisation: {{contact.organisation}}\n")
with open(d + "/contacts.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["email", "name", "organisation"])
    for i in range(n):
        w.writerow(["person%d@example.net" % i, "Persón %d" % i, "Org %d" % (i % 500)])
PY
	export HERALD_CONF="$d/herald.conf"
	"$herald" init >/dev/null
	"$herald" list create all --kind announce >/dev/null
	"$herald" contact import "$d/contacts.csv" --list all >/dev/null
	"$herald" campaign create bench --list all --template bench >/dev/null
	size=$("$herald" campaign preview bench 2>/dev/null | wc -c)
	tq0=$(now)
	"$herald" campaign send bench >/dev/null
	tq1=$(now)
	t2=$(now)
	if [ "$2" = nosync ]; then
		HERALD_JOURNAL_NOSYNC=1 "$heraldd" -f 2>"$d/heraldd.log" &
	else
		"$heraldd" -f 2>"$d/heraldd.log" &
	fi
	dpid=$!
	while :; do
		left=$(sqlite3 "$d/herald.db" "SELECT count(*) FROM message WHERE state IN ('queued','sending','deferred')")
		[ "$left" = 0 ] && break
		sleep 0.05
	done
	t3=$(now)
	rss=$(awk '/VmHWM/ {print $2}' /proc/$dpid/status)
	kill "$dpid"; wait "$dpid" 2>/dev/null || true
	dpid=
	sent=$(sqlite3 "$d/herald.db" "SELECT count(*) FROM message WHERE state = 'sent'")
	rate=$(echo "$sent / ($t3 - $t2)" | bc -l)
	fill=$(echo "$tq1 - $tq0" | bc -l)
	rm -rf "$d"
}

for n in $sizes; do
	# the reference: Postfix's own load generator
	t0=$(now)
	/usr/sbin/smtp-source -d -s 4 -m "$n" -l 4096 -f office@example.org \
		-t delegate@example.net 127.0.0.1:"$port"
	t1=$(now)
	ref=$(echo "$n / ($t1 - $t0)" | bc -l)
	ceiling=$("$work/curl_ceiling" "$port" "$n" 4)

	for mode in nosync durable; do
		heraldd_run "$n" "$mode"
		eval "rate_$mode=\$rate"
		printf 'N=%d  smtp-source: %.0f msg/s  bare libcurl: %.0f msg/s  heraldd (%s): %.0f msg/s (%d sent, %d-byte messages)\n' \
			"$n" "$ref" "$ceiling" "$mode" "$rate" "$sent" "$size"
		printf '      heraldd/smtp-source %.2f (target 0.80)  heraldd/libcurl %.2f  libcurl/smtp-source %.2f  peak RSS %.1f MB  queue fill %.2f s\n' \
			"$(echo "$rate / $ref" | bc -l)" "$(echo "$rate / $ceiling" | bc -l)" \
			"$(echo "$ceiling / $ref" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
			"$fill"
	done
	printf '      durable journal: %.0f msg/s against %.0f without syncs: ratio %.2f\n' \
		"$rate_durable" "$rate_nosync" "$(echo "$rate_durable / $rate_nosync" | bc -l)"
done

# bench/lib.sh: what several bench scripts share (sourced, not run).

# bench_campaign DIR URL N: in DIR, a herald.conf sending to URL with 4
# connections, an invitation template of about 4 KB and N contacts (a
# non-ASCII name each, so quoted-printable bodies and encoded headers),
# a list of them all, and campaign "bench" sent (its N messages queued).
# Uses $herald. The same messages for bench/send.sh, cpu.sh and render.sh.
bench_campaign() {
	mkdir -p "$1/templates"
	cat > "$1/herald.conf" <<CONF
database = "herald.db";
templates = "templates";
sender = { name = "Coordinating Office"; address = "office@example.org"; };
lists_domain = "lists.example.org";
smtp = { url = "$2"; tls = "off"; connections = 4; };
CONF
	/usr/bin/python3 - "$1" "$3" <<'PY'
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
	set -- "$herald" -c "$1/herald.conf" "$1"
	"$1" "$2" "$3" init >/dev/null
	"$1" "$2" "$3" list create all --kind announce >/dev/null
	"$1" "$2" "$3" contact import "$4/contacts.csv" --list all >/dev/null
	"$1" "$2" "$3" campaign create bench --list all --template bench >/dev/null
	"$1" "$2" "$3" campaign send bench >/dev/null 2>&1
}

# bench_freeport: a TCP port free on loopback now
bench_freeport() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_sunk FILE: messages an smtp-sink started with -c has received,
# from its last counter line (a line caught half written reads short)
bench_sunk() {
	c=$(tr '\r' '\n' <"$1" | sed -n '$s/.*mesg=\([0-9]*\).*/\1/p')
	echo "${c:-0}"
}

# bench_build TOP WORK: Release herald and heraldd in TOP/build-bench
# (sets herald, heraldd), and bench/curl_ceiling.c as WORK/curl_ceiling
# (with herald's journal, from the same build's library)
bench_build() {
	cmake -S "$1" -B "$1/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$1/build-bench" -j"$(nproc)" >/dev/null
	herald="$1/build-bench/herald"
	heraldd="$1/build-bench/heraldd"
	# shellcheck disable=SC2046
	cc -O2 -std=c17 -D_GNU_SOURCE -I"$1/src" -o "$2/curl_ceiling" \
		"$1/bench/curl_ceiling.c" "$1/build-bench/libheraldcore.a" \
		$(pkg-config --cflags --libs libcurl) -lpthread
}

# bench_expect COUNTER N WHO: the command COUNTER (it prints a count)
# reaches N within 30 s, and no more; else the script fails naming WHO
bench_expect() {
	i=0
	while [ "$($1)" -lt "$2" ] && [ "$i" -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$($1)" -eq "$2" ] || {
		echo "$(basename "$0"): $3: $($1) messages arrived, expected $2" >&2
		exit 1
	}
}

# bench_drain DB [KIND]: wait until DB has messages (of KIND, when given)
# and none of them is left to send. One process looking every 5 ms, and
# only for whether one is left, not how many (a count of 100,000 rows
# each time would take the processor heraldd is timed on): a sqlite3
# started every 100 ms added 50 ms on average to each timed run.
bench_drain() {
	/usr/bin/python3 - "$1" "${2:-}" <<'PY'
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=10)
kind = " AND kind = ?" if sys.argv[2] else ""
args = (sys.argv[2],) if sys.argv[2] else ()
made = "SELECT EXISTS (SELECT 1 FROM message WHERE true" + kind + ")"
left = ("SELECT EXISTS (SELECT 1 FROM message WHERE state IN "
        "('queued', 'sending', 'deferred')" + kind + ")")
while not con.execute(made, args).fetchone()[0]:
    time.sleep(0.005)
while con.execute(left, args).fetchone()[0]:
    time.sleep(0.005)
PY
}

# bench_sent DB: the messages of DB sent
bench_sent() {
	sqlite3 "$1" "SELECT count(*) FROM message WHERE state = 'sent'"
}

#!/bin/sh
# bench/send.sh: every sending figure of issue 15 in one run, each
# against its reference on the same machine at the same time:
#   1. N personalised 4 KB messages into Postfix's smtp-sink: heraldd
#      against smtp-source -d -s 4 (and bare libcurl, bench/curl_ceiling.c,
#      with one multi handle, with a thread per connection as heraldd
#      has, and with that and herald's journal: a durable start mark per
#      message, the crash rule of store/queue.h, no database), messages
#      per second and CPU time per message; and heraldd
#      with HERALD_JOURNAL_NOSYNC=1, which shows what the durable start
#      marks cost (for comparison only: it does not survive a power cut);
#   2. the same into a private, real Postfix (bench/postfix/, started with
#      postfix -c DIR, discard transport): heraldd against smtp-source
#      and libcurl with durable start marks, all with 4 connections;
#   3. one post relayed to N members (bench/relay.sh, mlmmj left out);
#   4. campaign status --json on a campaign of S messages, against
#      sqlite3's own GROUP BY over the rows;
#   5. heraldd's peak RSS at N and at BIG messages.
# No figure can be inflated by failures: every sender's count is checked
# against what the sink or Postfix received, curl_ceiling checks each
# transfer, and heraldd's "sent" must equal N.
#   sh bench/send.sh        N=10000 BIG=100000 S=1000000 by default
set -eu
N=${N:-10000}
BIG=${BIG:-100000}
S=${S:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/herald-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${sink:-}" ] && kill "$sink" 2>/dev/null
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null
	[ -f "$work/pf/etc/main.cf" ] &&
		/usr/sbin/postfix -c "$work/pf/etc" stop >/dev/null 2>&1
	rm -rf "$work"
	return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$top/bench/lib.sh"
bench_build "$top" "$work"
tck=$(getconf CLK_TCK)

now() { date +%s.%N; }
die() { echo "send.sh: $*" >&2; exit 1; }
calc() { echo "$*" | bc -l; }
freeport() { bench_freeport; }
# messages a sink has received (smtp-sink -c)
sunk() { bench_sunk "$work/sink.count"; }
# messages the private Postfix has accepted and discarded
pfdone() {
	c=$(grep -c 'status=sent' "$work/pf/maillog" 2>/dev/null || true)
	echo "${c:-0}"
}
# expect COUNTER N WHO: COUNTER (sunk or pfdone) reaches N, and no more
expect() { bench_expect "$@"; }
# src PORT N: smtp-source -d -s 4 with 4 KB messages; sets rate, cpu (µs
# per message, user + system)
src() {
	t0=$(now)
	/usr/bin/time -f "%U %S" -o "$work/time" /usr/sbin/smtp-source -d -s 4 \
		-m "$2" -l 4096 -f office@example.org -t delegate@example.net \
		127.0.0.1:"$1"
	t1=$(now)
	rate=$(calc "$2 / ($t1 - $t0)")
	cpu=$(awk -v n="$2" '{ print ($1 + $2) / n * 1e6 }' "$work/time")
}

# durable PORT: bare libcurl under herald's crash rule, N messages to
# PORT with a journal of its own; prints its rate and CPU per message
durable() {
	rm -f "$work/ceiling.journal"
	"$work/curl_ceiling" "$1" "$N" 4 journal "$work/ceiling.journal"
}

port=$(freeport)
/usr/sbin/smtp-sink -u nobody -c 127.0.0.1:"$port" 1024 >"$work/sink.count" &
sink=$!
sleep 0.5

# heraldd_run PORT N: heraldd sends N personalised messages (about 4 KB
# each) to PORT with 4 connections; sets hrate, hcpu (µs per message),
# rss (kB), size. Timed from heraldd's start to the last 'sent' row.
heraldd_run() {
	d="$work/h$2"
	bench_campaign "$d" "smtp://127.0.0.1:$1" "$2"
	h="$herald -c $d/herald.conf"
	size=$($h campaign preview bench 2>/dev/null | wc -c)
	t2=$(now)
	"$heraldd" -f -c "$d/herald.conf" 2>"$d/heraldd.log" &
	dpid=$!
	bench_drain "$d/herald.db"
	t3=$(now)
	rss=$(awk '/VmHWM/ {print $2}' /proc/$dpid/status)
	ticks=$(awk '{ print $14 + $15 }' /proc/$dpid/stat)
	kill "$dpid"; wait "$dpid" 2>/dev/null || true
	dpid=
	sent=$(bench_sent "$d/herald.db")
	[ "$sent" -eq "$2" ] || die "heraldd: $sent of $2 sent"
	hrate=$(calc "$sent / ($t3 - $t2)")
	hcpu=$(calc "$ticks / $tck / $sent * 1000000")
	rm -rf "$d"
}

# the share of processor time the host took (steal, a virtual machine's
# neighbours): runs here have swung from 1,800 to 7,100 msg/s with it
cpustat() { head -1 /proc/stat; }
stat0=$(cpustat)
echo "load before: $(uptime)"

# 1. into smtp-sink
src "$port" "$N"; expect sunk "$N" smtp-source
sink_src=$rate sink_src_cpu=$cpu
set -- $("$work/curl_ceiling" "$port" "$N" 4)
curl_rate=$1 curl_cpu=$2
expect sunk "$((2 * N))" curl_ceiling
set -- $("$work/curl_ceiling" "$port" "$N" 4 threads)
curlt_rate=$1 curlt_cpu=$2
expect sunk "$((3 * N))" "curl_ceiling threads"
set -- $(durable "$port")
curlj_rate=$1 curlj_cpu=$2
expect sunk "$((4 * N))" "curl_ceiling journal"
heraldd_run "$port" "$N"; expect sunk "$((5 * N))" heraldd
sink_h=$hrate sink_h_cpu=$hcpu rss_n=$rss
export HERALD_JOURNAL_NOSYNC=1
heraldd_run "$port" "$N"
unset HERALD_JOURNAL_NOSYNC
expect sunk "$((6 * N))" "heraldd, no sync"
ns_h=$hrate ns_h_cpu=$hcpu
printf '1. smtp-sink, %d messages of %d bytes, 4 connections\n' "$N" "$size"
printf '   smtp-source -d -s 4: %6.0f msg/s  %4.0f µs CPU/msg\n' "$sink_src" "$sink_src_cpu"
printf '   bare libcurl:        %6.0f msg/s  %4.0f µs CPU/msg\n' "$curl_rate" "$curl_cpu"
printf '   ... a thread each:   %6.0f msg/s  %4.0f µs CPU/msg\n' "$curlt_rate" "$curlt_cpu"
printf '   ... durable marks:   %6.0f msg/s  %4.0f µs CPU/msg\n' "$curlj_rate" "$curlj_cpu"
printf '   heraldd:             %6.0f msg/s  %4.0f µs CPU/msg\n' "$sink_h" "$sink_h_cpu"
printf '   heraldd, no sync:    %6.0f msg/s  %4.0f µs CPU/msg (comparison only)\n' "$ns_h" "$ns_h_cpu"
printf '   heraldd/smtp-source %.2f (target 0.80), CPU %.1fx (target <= 2)\n' \
	"$(calc "$sink_h / $sink_src")" "$(calc "$sink_h_cpu / $sink_src_cpu")"
# against libcurl itself, which heraldd must use: what is heraldd's own
printf '   heraldd/libcurl with a thread each %.2f, CPU %.1fx\n' \
	"$(calc "$sink_h / $curlt_rate")" "$(calc "$sink_h_cpu / $curlt_cpu")"
# and against libcurl under the same crash rule: what heraldd adds to
# what any durable sender on libcurl must do
printf '   heraldd/libcurl with durable start marks %.2f, CPU %.1fx\n' \
	"$(calc "$sink_h / $curlj_rate")" "$(calc "$sink_h_cpu / $curlj_cpu")"

# 2. into a private Postfix with the discard transport
pf="$work/pf"
pfport=$(freeport)
mkdir -p "$pf/etc" "$pf/data" "$pf/queue"
chown postfix "$pf/data"
for f in main.cf master.cf; do
	sed -e "s|@DIR@|$pf|g" -e "s|@PORT@|$pfport|g" \
		"$top/bench/postfix/$f.in" > "$pf/etc/$f"
done
/usr/sbin/postfix -c "$pf/etc" start >/dev/null 2>&1 ||
	die "postfix did not start: $(/usr/sbin/postfix -c "$pf/etc" check 2>&1)"
i=0
until /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$pfport),1)" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 100 ] || die "postfix: smtpd not listening"
	sleep 0.1
done
src "$pfport" "$N"; expect pfdone "$N" "smtp-source into Postfix"
pf_src=$rate pf_src_cpu=$cpu
set -- $(durable "$pfport")
pf_curlj=$1 pf_curlj_cpu=$2
expect pfdone "$((2 * N))" "curl_ceiling journal into Postfix"
heraldd_run "$pfport" "$N"; expect pfdone "$((3 * N))" "heraldd into Postfix"
pf_h=$hrate pf_h_cpu=$hcpu
/usr/sbin/postfix -c "$pf/etc" stop >/dev/null 2>&1 || true
printf '2. a private Postfix (discard transport), %d messages, 4 connections\n' "$N"
printf '   smtp-source -d -s 4: %6.0f msg/s  %4.0f µs CPU/msg\n' "$pf_src" "$pf_src_cpu"
printf '   durable libcurl:     %6.0f msg/s  %4.0f µs CPU/msg\n' "$pf_curlj" "$pf_curlj_cpu"
printf '   heraldd:             %6.0f msg/s  %4.0f µs CPU/msg\n' "$pf_h" "$pf_h_cpu"
printf '   heraldd/smtp-source %.2f (target 0.85); heraldd/libcurl with durable marks %.2f\n' \
	"$(calc "$pf_h / $pf_src")" "$(calc "$pf_h / $pf_curlj")"

# 3. a relayed post to N members (bench/relay.sh; mlmmj left out)
echo "3. relay of one post to $N members"
sh "$top/bench/relay.sh" "$N" 0 | sed 's/^/   /'

# 4. campaign status on a campaign of S messages
d="$work/status"
mkdir -p "$d/templates"
printf 'Subject: hi\n\nhello\n' > "$d/templates/t.txt"
cat > "$d/herald.conf" <<CONF
database = "herald.db";
templates = "templates";
sender = { name = "Office"; address = "office@example.org"; };
lists_domain = "lists.example.org";
smtp = { url = "smtp://127.0.0.1:$port"; tls = "off"; };
CONF
h="$herald -c $d/herald.conf"
$h init >/dev/null
$h list create all --kind announce >/dev/null
$h contact add a@example.net >/dev/null
$h list add all a@example.net >/dev/null
$h event create summit --title Summit --start 2031-03-02T09:00Z --end 2031-03-02T17:00Z >/dev/null
$h campaign create big --list all --template t --event summit >/dev/null
/usr/bin/python3 - "$d/herald.db" "$S" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
states = ["sent"] * 90 + ["queued"] * 4 + ["deferred", "failed", "bounced",
          "uncertain", "cancelled", "sending"]
con.execute("CREATE TEMP TABLE st (i INTEGER PRIMARY KEY, s TEXT)")
con.executemany("INSERT INTO st VALUES (?, ?)", enumerate(states))
con.execute("INSERT INTO message (campaign_id, kind, rcpt, token, message_id, "
            "state, created, updated) WITH RECURSIVE i(x) AS (SELECT 1 UNION "
            "ALL SELECT x + 1 FROM i WHERE x < ?) SELECT (SELECT id FROM "
            "campaign), 'campaign', 'r' || x || '@example.net', 't' || x, "
            "'m' || x || '@x', (SELECT s FROM st WHERE i = x % 100), 1, 1 "
            "FROM i", (n,))
con.commit()
PY
best() {
	b=
	for _ in 1 2 3; do
		t0=$(now); "$@" >/dev/null; t1=$(now)
		t=$(calc "($t1 - $t0) * 1000")
		if [ -z "$b" ] || [ "$(calc "$t < $b")" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
st_h=$(best $h campaign status big --json)
st_sql=$(best sqlite3 "$d/herald.db" "SELECT state, count(*) FROM message WHERE campaign_id = 1 GROUP BY state")
full=$(sqlite3 "$d/herald.db" "SELECT count(*) FROM message WHERE state = 'sent'")
got=$($h campaign status big --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sent"])')
[ "$got" = "$full" ] || die "campaign status: sent $got, the rows say $full"
printf '4. campaign status --json, %d messages: %.0f ms (target < 50); sqlite3 GROUP BY: %.0f ms (best of 3)\n' \
	"$S" "$st_h" "$st_sql"
rm -rf "$d"

# 5. peak RSS, flat from N to BIG
heraldd_run "$port" "$BIG"; expect sunk "$((6 * N + BIG))" "heraldd ($BIG)"
printf '5. heraldd peak RSS: %.1f MB at %d messages, %.1f MB at %d (target <= 64, flat); %.0f msg/s at %d\n' \
	"$(calc "$rss_n / 1024")" "$N" "$(calc "$rss / 1024")" "$BIG" "$hrate" "$BIG"
echo "load after: $(uptime)"
printf 'stolen by the host during the run: %.1f%% of processor time\n' "$(printf '%s\n%s\n' "$stat0" "$(cpustat)" |
	awk '{ t = 0; for (i = 2; i <= NF; i++) t += $i; T[NR] = t; S[NR] = $9 }
	     END { print (T[2] > T[1]) ? (S[2] - S[1]) * 100 / (T[2] - T[1]) : 0 }')"
# the figures are out: leave with success whatever the clean-up says
trap - EXIT
cleanup || true
exit 0

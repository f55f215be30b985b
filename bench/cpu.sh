#!/bin/sh
# bench/cpu.sh: the processor work per message, counted in instructions
# (valgrind's callgrind) rather than timed, so that the figure does not
# move with the host's load: on this shared machine the timed rates of
# bench/send.sh swing by a third between runs of the same build, while
# these counts repeat within a per cent. They are the programs' own
# instructions, not the kernel's: smtp-source's work is nearly all in
# the kernel (its sockets), so against it the ratio says how much work
# heraldd adds in user space, not the CPU ratio bench/send.sh times. Into Postfix's smtp-sink, N
# personalised 4 KB messages each (bench/lib.sh's campaign):
#   smtp-source -d -s 4, bare libcurl with a thread per connection
#   (bench/curl_ceiling.c threads), and heraldd with 4 connections;
# then where heraldd's instructions go, per message. Under callgrind the
# threads take turns on one processor, so heraldd's batches (outcome
# commits, shared syncs) differ from a real run's; the work per message
# is the same. Every sender's count is checked against what the sink
# received. Takes about a minute at the default size.
#   sh bench/cpu.sh [N]        N=3000 by default
set -eu
N=${1:-3000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/herald-cpu.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${sink:-}" ] && kill "$sink" 2>/dev/null
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null
	rm -rf "$work"
	return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM
command -v valgrind >/dev/null 2>&1 ||
	apt-get install -y -q valgrind >/dev/null

. "$top/bench/lib.sh"
bench_build "$top" "$work"

die() { echo "cpu.sh: $*" >&2; exit 1; }
# cg NAME COMMAND...: COMMAND under callgrind, its profile in NAME.cg
cg() {
	n=$1; shift
	valgrind -q --tool=callgrind --callgrind-out-file="$work/$n.cg" "$@"
}
# total FILE: the instructions a callgrind profile counted
total() {
	callgrind_annotate "$work/$1.cg" 2>/dev/null |
		awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'
}
# incl FILE FUNCTION: the instructions of FUNCTION and what it called
incl() {
	callgrind_annotate --inclusive=yes --threshold=100 "$work/$1.cg" \
	    2>/dev/null | awk -v f=":$2 " '
		index($0, f) { gsub(",", "", $1); n = $1; exit }
		END { print n + 0 }'
}
per() { awk -v a="${1:-0}" -v n="$N" 'BEGIN { printf "%.0f", a / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
sunk() { bench_sunk "$work/sink.count"; }
# expect N WHO: the sink holds N messages, no more
expect() { bench_expect sunk "$@"; }

port=$(bench_freeport)
/usr/sbin/smtp-sink -u nobody -c 127.0.0.1:"$port" 1024 >"$work/sink.count" &
sink=$!
sleep 0.5

(cd "$work" && cg src /usr/sbin/smtp-source -d -s 4 -m "$N" -l 4096 \
	-f office@example.org -t delegate@example.net 127.0.0.1:"$port")
expect "$N" smtp-source
(cd "$work" && cg curl "$work/curl_ceiling" "$port" "$N" 4 threads >/dev/null)
expect "$((2 * N))" curl_ceiling

d="$work/h"
bench_campaign "$d" "smtp://127.0.0.1:$port" "$N"
# valgrind itself in the background, so that dpid is its pid
valgrind -q --tool=callgrind --callgrind-out-file="$work/heraldd.cg" \
	"$heraldd" -f -c "$d/herald.conf" 2>"$d/heraldd.log" &
dpid=$!
bench_drain "$d/herald.db"
kill "$dpid"; wait "$dpid" 2>/dev/null || true
dpid=
sent=$(bench_sent "$d/herald.db")
[ "$sent" -eq "$N" ] || die "heraldd: $sent of $N sent"
expect "$((3 * N))" heraldd

src=$(total src) curl=$(total curl) hd=$(total heraldd)
printf 'instructions per message, %d messages of about 4 KB into smtp-sink, 4 connections\n' "$N"
printf '   smtp-source -d -s 4:   %7s\n' "$(per "$src")"
printf '   libcurl, a thread each: %6s\n' "$(per "$curl")"
printf '   heraldd:               %7s   %sx smtp-source, %sx libcurl\n' \
	"$(per "$hd")" "$(ratio "$hd" "$src")" "$(ratio "$hd" "$curl")"
printf 'heraldd, where they go (what each calls included):\n'
printf '   SMTP sessions, libcurl:      %6s  (curl_easy_perform)\n' \
	"$(per "$(incl heraldd curl_easy_perform)")"
printf '   render thread:               %6s  (render_message)\n' \
	"$(per "$(incl heraldd render_message)")"
printf '     MIME, libetpan:            %6s  (compose_build)\n' \
	"$(per "$(incl heraldd compose_build)")"
printf '   outcomes into the database:  %6s  (sender_commit)\n' \
	"$(per "$(incl heraldd sender_commit)")"
printf '   reservations:                %6s  (queue_reserve)\n' \
	"$(per "$(incl heraldd queue_reserve)")"
printf '   start marks and outcomes:    %6s  (journal_start, journal_durable, journal_done)\n' \
	"$(per "$(( $(incl heraldd journal_start) + $(incl heraldd journal_durable) + $(incl heraldd journal_done) ))")"

#!/bin/sh
# bench/render.sh: CPU time of render_message() alone, per message
# (bench/render.c, in one process, no SMTP), for
#   1. N personalised 4 KB campaign messages, bench/send.sh's template and
#      contacts (a non-ASCII name: quoted-printable bodies);
#   2. one 4 KB post relayed to N members, bench/relay.sh's post.
#   sh bench/render.sh [N]             N=10000 by default
#   BASE=REV sh bench/render.sh [N]    the same for git revision REV too,
#        on the same databases, the two taking turns (before/after)
# Builds Release trees in build-rel (and build-base-REV/build, from the
# revision's files in build-base-REV/tree). The timing runs
# on CPU ${CPU:-0} (taskset): on a shared 2-core machine the two cores
# can differ by 2x, so compare figures from the same one, and from one
# run (with BASE) when the machine is busy.
# WRAP="perf record -g -o /tmp/r.data" runs the timing under a profiler;
# KEEP=1 keeps the work directory (its path goes to stderr).
set -eu
N=${1:-10000}
WRAP=${WRAP:-}
CPU=${CPU:-0}
BASE=${BASE:-}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/herald-render.XXXXXX)
if [ -n "${KEEP:-}" ]; then echo "work: $work" >&2
else trap 'rm -rf "$work"' EXIT; fi
trap 'exit 1' INT TERM

# build SRC BUILDDIR OUT: the tree's library, and bench/render.c (this
# tree's) linked against it
build() {
	nice -n 10 cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice -n 10 cmake --build "$2" -j2 --target herald heraldcore >/dev/null
	# shellcheck disable=SC2046
	nice -n 10 cc -O2 -std=c17 -D_GNU_SOURCE -I"$1/src" -o "$3" \
		"$top/bench/render.c" "$2/libheraldcore.a" \
		$(pkg-config --libs libcurl libetpan sqlite3 libconfig nettle \
		gnutls jansson libmicrohttpd | sed 's/-specs=[^ ]*//g') \
		-lcsv -lpthread -lm
}
build "$top" "$top/build-rel" "$work/render"
if [ -n "$BASE" ]; then
	rev=$(git -C "$top" rev-parse --short "$BASE")
	bb="$top/build-base-$rev"
	if [ ! -f "$bb/tree/CMakeLists.txt" ]; then
		mkdir -p "$bb/tree"
		git -C "$top" archive "$rev" | tar -x -C "$bb/tree"
	fi
	build "$bb/tree" "$bb/build" "$work/render-base"
fi
b="$top/build-rel"

# timing CONF LABEL: after and (with BASE) before, taking turns
timing() {
	if [ -n "$BASE" ]; then
		printf '%s before: ' "$2"
		taskset -c "$CPU" $WRAP "$work/render-base" "$1" time
	fi
	printf '%s after:  ' "$2"
	taskset -c "$CPU" $WRAP "$work/render" "$1" time
	if [ -n "$BASE" ]; then
		printf '%s before: ' "$2"
		taskset -c "$CPU" $WRAP "$work/render-base" "$1" time
		printf '%s after:  ' "$2"
		taskset -c "$CPU" $WRAP "$work/render" "$1" time
	fi
}

d="$work/camp"
. "$top/bench/lib.sh"
herald="$b/herald"
bench_campaign "$d" "smtp://127.0.0.1:25" "$N"
timing "$d/herald.conf" campaign

d="$work/relay"
mkdir -p "$d"
cat > "$d/herald.conf" <<CONF
database = "herald.db";
sender = { address = "office@example.org"; };
lists_domain = "lists.example.org";
smtp = { url = "smtp://127.0.0.1:25"; tls = "off"; };
CONF
/usr/bin/python3 - "$d" "$N" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
para = "News from the network, to be relayed to every member of it. " * 6
with open(d + "/post.eml", "w") as f:
    f.write("From: Ana <ana@redes.org>\r\nTo: net@lists.example.org\r\n"
            "Subject: News\r\nMessage-ID: <news-1@redes.org>\r\n\r\n")
    f.write((para + "\r\n") * 11)
with open(d + "/members.csv", "w") as f:
    f.write("email\n")
    for i in range(n):
        f.write("member%d@net.example\n" % i)
PY
h="$b/herald -c $d/herald.conf"
$h init >/dev/null
$h list create net --kind relay --owner ana@redes.org --post-check none \
	>/dev/null
$h contact import "$d/members.csv" --list net >/dev/null
"$work/render" "$d/herald.conf" post net "$d/post.eml" 2>/dev/null
timing "$d/herald.conf" relay

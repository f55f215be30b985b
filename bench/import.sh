#!/bin/sh
# bench/import.sh: time "herald contact import" of 100,000 CSV rows
# (target: under 3 s on a 2-core machine) against the sqlite3 shell's
# ".import" of the same file into a bare table, which checks nothing and
# so is the floor for "CSV into SQLite". Prints one line per measurement
# and the ratio. Run on demand, not in ctest: timings are noisy.
#   sh bench/import.sh [ROWS]
set -eu
ROWS=${1:-100000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v sqlite3 >/dev/null || apt-get install -y -q sqlite3 >/dev/null

cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build-bench" -j"$(nproc)" --target herald >/dev/null
herald="$top/build-bench/herald"

/usr/bin/python3 - "$work/contacts.csv" "$ROWS" <<'PY'
import csv, random, sys
random.seed(1)
langs = ["en", "es", "fr", "pt"]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["email", "name", "organisation", "country", "language", "role", "funding", "diet"])
    for i in range(int(sys.argv[2])):
        w.writerow(["person%d@org%d.example.org" % (i, i % 997),
                    "Persón Número %d" % i, "Organisation %d" % (i % 997),
                    random.choice(["MX", "FR", "KE", "IN"]), random.choice(langs),
                    random.choice(["delegate", "government", "member"]),
                    random.choice(["yes", "no"]), "Vegetarian, no nuts"])
PY

cat > "$work/herald.conf" <<CONF
database = "herald.db";
sender = { address = "office@example.org"; };
lists_domain = "lists.example.org";
CONF
"$herald" -c "$work/herald.conf" init >/dev/null

now() { date +%s.%N; }
t0=$(now)
"$herald" -c "$work/herald.conf" contact import "$work/contacts.csv" >"$work/out1"
t1=$(now)
"$herald" -c "$work/herald.conf" contact import "$work/contacts.csv" >"$work/out2"
t2=$(now)
sqlite3 "$work/ref.db" ".mode csv" ".import $work/contacts.csv ref" 2>/dev/null
t3=$(now)

/usr/bin/python3 - "$ROWS" "$t0" "$t1" "$t2" "$t3" "$work/out1" "$work/out2" <<'PY'
import sys
rows, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:6])
first, again, ref = t1 - t0, t2 - t1, t3 - t2
print("herald import  %d rows: %.2f s (%s)" % (rows, first, open(sys.argv[6]).read().strip()))
print("herald re-import       : %.2f s (%s)" % (again, open(sys.argv[7]).read().strip()))
print("sqlite3 .import (floor): %.2f s" % ref)
print("ratio herald/sqlite3: %.1fx; target 3 s: %s (%.2f of the budget)"
      % (first / ref, "met" if first < 3 else "MISSED", first / 3))
PY

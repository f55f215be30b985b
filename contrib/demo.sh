#!/bin/sh
# contrib/demo.sh: herald's main job, end to end, on private local servers.
# Installs what it needs (Debian 12, as root), builds herald, starts a
# private Dovecot and Postfix's smtp-sink on loopback, then runs an
# invitation round: import 100 delegates, build the delegates list and a
# relay list for one organisation's network, create an event, send a
# personalised invitation in English, Spanish and French with a calendar
# part, add a reminder rule, read the answers that come back by IMAP
# (yes, no, a question, an out-of-office, a bounce) and relay a network
# owner's post to her members, then report. Everything lives in a temporary
# directory that is removed at the end (keep it with KEEP=1).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/contrib/deps.sh"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" >/dev/null
herald="$top/build/herald"
heraldd="$top/build/heraldd"

work=$(mktemp -d /tmp/herald-demo.XXXXXX)
# the servers run as their own users and must reach their directories
chmod 755 "$work"
cleanup() {
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	/usr/bin/python3 "$top/tests/integration/harness.py" stop "$work/servers" \
		>/dev/null 2>&1 || true
	[ "${KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT INT TERM
step() { printf '\n== %s\n' "$*"; }

step "starting a private Dovecot (IMAP) and smtp-sink (SMTP) on loopback"
/usr/bin/python3 "$top/tests/integration/harness.py" start "$work/servers"
. "$work/servers/servers.env"
echo "SMTP on 127.0.0.1:$SMTP_PORT, IMAP on 127.0.0.1:$IMAP_PORT"

sed -e "s|smtp://127.0.0.1:2525|smtp://127.0.0.1:$SMTP_PORT|" \
    -e "s|imap://127.0.0.1:1143|imap://127.0.0.1:$IMAP_PORT|" \
    -e "s|\"../templates\"|\"$top/templates\"|" \
    -e 's|tls = "auto"|tls = "off"|' \
    -e 's|password_file = "";  *# e.g. "imap.pass"|password_file = "imap.pass";|' \
    "$top/conf/herald.conf" > "$work/herald.conf"
echo "$IMAP_PASSWORD" > "$work/imap.pass"
export HERALD_CONF="$work/herald.conf"

step "herald init"
"$herald" init

step "the delegates: 60 civil-society, 40 government (contrib/delegates.csv)"
"$herald" list create delegates --kind announce --owner office@example.org
"$herald" contact import "$top/contrib/delegates.csv" --list delegates
"$herald" org list | head -8

step "a relay list: Red de Mujeres Rurales to its member network"
owner=$("$herald" contact list --org "Red de Mujeres Rurales" --csv |
	sed -n 2p | cut -d, -f1)
"$herald" list create red-mujeres --kind relay --owner "$owner" \
	--parent delegates --org "Red de Mujeres Rurales"
"$herald" contact import "$top/contrib/network-members.csv" --list red-mujeres
"$herald" list ls

step "the event and the invitation"
"$herald" event create summit-2027 --title "Summit of Networks 2027" \
	--start "2027-03-02 09:00" --end "2027-03-03 17:00" \
	--tz Europe/Zurich --location "Geneva, Palais des Nations" --capacity 80
"$herald" template check
"$herald" campaign create invitation --list delegates --template invite \
	--event summit-2027
"$herald" campaign followup invitation --template reminder --after 7d \
	--to no-reply --max 2
echo "-- preview for one delegate (first 16 lines):"
"$herald" campaign preview invitation 2>&1 | head -16

step "sending (heraldd on the local SMTP sink)"
"$herald" campaign send invitation
"$heraldd" -f &
dpid=$!
timeout 20 "$herald" campaign status invitation --watch >/dev/null || true
"$herald" campaign status invitation
echo "smtp-sink received $(grep -c '^Message-ID: <m' "$SINK_DUMP") messages"

step "the mail that comes back, read by heraldd over IMAP"
/usr/bin/python3 "$top/contrib/demo_replies.py" "$SINK_DUMP" "$IMAP_PORT" "$owner"
# six messages: five answers and one post to a relay list
i=0
until [ "$("$herald" inbox --csv | wc -l)" -gt 6 ] || [ "$i" -ge 100 ]; do
	sleep 0.2; i=$((i + 1))
done
sleep 1		# the relayed copies leave at once; give them a moment
"$herald" inbox
echo "-- the answers recorded for the event:"
"$herald" rsvp summit-2027
echo "-- the owner's post, relayed to her network, one copy per member:"
"$herald" queue --csv | awk -F, '$2 == "" && $4 == "sent"' | wc -l

step "an answer typed in by an organiser, and the contact log"
"$herald" rsvp set summit-2027 "$owner" yes
"$herald" contact show "$owner" | sed -n '1,9p'
"$herald" log --contact "$owner"
echo "-- the network's log: the post and the first copies relayed"
"$herald" log --org "Red de Mujeres Rurales" |
	awk 'NR == 1 || $3 == "post" || ($3 == "relay" && n++ < 4)'

step "the organiser's desk: who has not answered, what needs an answer"
"$herald" rsvp summit-2027 --answer none | head -8
echo "... $("$herald" rsvp summit-2027 --answer none --csv | tail -n +2 | wc -l) people have not answered"
"$herald" inbox --open

step "the report"
"$herald" report
"$herald" report summit-2027 --html "$work/report.html"
echo "-- the same as one web page: $work/report.html (KEEP=1 keeps it)"

#!/bin/sh
# contrib/deps.sh: install, from Debian 12's archive, what herald needs to
# build, test and run its demo. Safe to run again: only missing packages
# are installed. Needs root.
#
# chromium: tests/integration/test_report.py renders the HTML report in
# it, headless (the test skips, saying so, without it).
#
# libcurl4-gnutls-dev, not -openssl-dev: libetpan-dev depends on the
# GnuTLS flavour and the two curl -dev packages conflict.
#
# libmicrohttpd-dev: heraldd's web endpoint (one-click unsubscribe and
# RSVP links) parses HTTP with it.
# python3-cryptography: tests/integration/harness.py makes the test CA
# chain (root, intermediate, good and bad leaves) with it.
#
# python3-icalendar: tests/integration/test_desk_seats.py reads herald's
# calendar updates and cancellations with it, a parser independent of
# herald's own code.
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs="build-essential cmake pkg-config libcurl4-gnutls-dev libetpan-dev
libsqlite3-dev libconfig-dev libcsv-dev nettle-dev libgnutls28-dev libjansson-dev
libmicrohttpd-dev
postfix dovecot-imapd dovecot-lmtpd python3 python3-icalendar
python3-cryptography sqlite3 openssl
ca-certificates psmisc chromium
$*"
need=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		need="$need $p"
done
[ -z "$need" ] && exit 0
echo "installing:$need"
# Postfix asks how to configure the system MTA; the tests run private
# instances from their own config directories, so: none.
echo "postfix postfix/main_mailer_type select No configuration" |
	debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends $need

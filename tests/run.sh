#!/bin/sh
# tests/run.sh: install what the tests need, build herald with
# AddressSanitizer + UBSan and warnings as errors, and run every test
# (unit and integration, against real Postfix/Dovecot started on loopback).
#   sh tests/run.sh            as root on Debian 12
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/contrib/deps.sh"
build="$top/build-test"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DHERALD_SANITIZE=ON -DHERALD_WERROR=ON
cmake --build "$build" -j"$(nproc)"
# Sanitizer reports fail the test that triggered them.
export ASAN_OPTIONS="abort_on_error=0:detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$build"
# the classifier's accuracy on the shared corpus, for the record (ctest
# runs it too, and fails below the targets; it skips when absent)
"$build/tests/t_corpus" | tail -n 12 || true
# ctest last: its summary line closes the output
ctest --output-on-failure -j2 --timeout 600

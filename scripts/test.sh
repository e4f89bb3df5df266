#!/usr/bin/env bash
# test.sh is `make test`: every test of the module, browser tests included, in three passes.
#
#   race     go test -race on the packages whose tests exercise our own concurrency (store, checkout,
#            handlers, cmd/paywall, views, internal/...): the race detector costs 10-20x on SQLite-heavy code, so
#            it goes where it finds races.
#   plain    go test without -race on the contract, benchmark and browser packages (payway, klarna,
#            sandbox, cmd/bench, e2e): their concurrency is the app's, already raced through the handler
#            tests, and a raced Chromium journey or load run only gets slower.
#   future   go test -short again on every package with a clock, the test clocks started ten years
#            after the real now (PAYWALL_TEST_CLOCK_SHIFT): anything on the path that reads the real clock
#            instead of the injected one then disagrees with it by years and fails.
#   edge     the same, the test clocks started at 23:59:30 UTC on the last day of next month: a month's
#            end, a UTC midnight during the pass, and already the next day in Stockholm, the paper's
#            calendar; a date counted on the wrong calendar, or twice across midnight, fails there.
#
# race and plain run side by side (the browser package waits on Chromium much of the time, the race pass
# fills those gaps); future and edge run side by side after them. Each pass's output is printed whole when it ends, then a
# table of package times, then one closing line. Exit status: non-zero when any pass failed.
#
# Environment: GO (default go), PAYWALL_TEST_TIMEOUT (go test -timeout, default 10m), GOTESTFLAGS (extra
# flags for every pass, e.g. -run X or -v), PAYWALL_TEST_SLOWDOWN (see internal/testenv).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO="${GO:-go}"
read -r -a extra <<<"${GOTESTFLAGS:-}"
flags=(-count=1 -timeout "${PAYWALL_TEST_TIMEOUT:-10m}" "${extra[@]}")
race_pkgs=(./store/... ./checkout/... ./handlers/... ./cmd/paywall/... ./views/... ./internal/...)
plain_pkgs=(./payway/... ./klarna/... ./sandbox/... ./cmd/bench/... ./e2e/...)
clock_pkgs=(./store/... ./checkout/... ./handlers/... ./cmd/... ./payway/... ./klarna/... ./sandbox/...)

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
t0=$(date +%s)

# run NAME CMD... runs one pass, keeping its output, exit status and wall time.
run() {
	local name=$1 start
	shift
	start=$(date +%s)
	"$@" >"$out/$name.log" 2>&1
	echo $? >"$out/$name.rc"
	echo $(($(date +%s) - start)) >"$out/$name.secs"
}

# The edge pass's instant: the first of the month after next, 00:00 UTC, less 30 seconds.
edge_at=$(date -u -d "$(date -u +%Y-%m-01) +2 month -30 sec" +%s)
edge_shift=$((edge_at - $(date -u +%s)))s

echo "test: race and plain passes side by side, then the future-clock and calendar-edge passes (slowdown ${PAYWALL_TEST_SLOWDOWN:-1})"
run race "$GO" test -race "${flags[@]}" "${race_pkgs[@]}" &
run plain "$GO" test "${flags[@]}" "${plain_pkgs[@]}" &
wait
run future env PAYWALL_TEST_CLOCK_SHIFT=87600h "$GO" test -short "${flags[@]}" "${clock_pkgs[@]}" &
run edge env PAYWALL_TEST_CLOCK_SHIFT="$edge_shift" "$GO" test -short "${flags[@]}" "${clock_pkgs[@]}" &
wait
echo "edge pass: test clocks from $(date -u -d "@$edge_at" '+%F %T UTC') (PAYWALL_TEST_CLOCK_SHIFT=$edge_shift)" >>"$out/edge.log"

failed=0
for name in race plain future edge; do
	printf '\n==== %s pass: exit %s in %ss ====\n' "$name" "$(cat "$out/$name.rc")" "$(cat "$out/$name.secs")"
	cat "$out/$name.log"
	[ "$(cat "$out/$name.rc")" = 0 ] || failed=1
done

# Package times, slowest first: "ok <pkg> <secs>s" and "FAIL <pkg> <secs>s" lines of every pass.
printf '\n==== package times (s), slowest first ====\n'
for name in race plain future edge; do
	awk -v pass="$name" '($1 == "ok" || $1 == "FAIL") && $3 ~ /s$/ { t = $3; sub(/s$/, "", t); printf "%8.1f  %-6s %-4s %s\n", t, pass, $1, $2 }' "$out/$name.log"
done | sort -rn

ok=$(cat "$out"/*.log | grep -cE '^ok[[:space:]]' || true)
bad=$(cat "$out"/*.log | grep -cE '^FAIL[[:space:]]+[^[:space:]]' || true)
printf '\nmake test: %ss wall in all\n' "$(($(date +%s) - t0))"
echo "packages: $ok passed, $bad failed"
exit "$failed"

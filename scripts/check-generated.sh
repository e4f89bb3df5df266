#!/usr/bin/env bash
# check-generated.sh regenerates the templ output and fails when that changed anything, i.e. when a
# *.templ file was edited without running `make generate`, or a generated file was edited by hand.
# It compares checksums of every *_templ.go before and after, so it works on uncommitted work too.
# With --git (CI, a clean clone) it also fails when git sees any *_templ.go not as committed
# (modified, deleted, or new and untracked).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

snapshot() {
	find . -name '*_templ.go' -not -path './node_modules/*' -not -path './.git/*' -type f -print0 |
		sort -z | xargs -0 -r sha256sum
}

before="$(snapshot)"
go tool templ generate -log-level error
after="$(snapshot)"
if [ "$before" != "$after" ]; then
	echo "generated templ files are out of date; run 'make generate' and commit the result:" >&2
	diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep '^[<>]' | awk '{print "  " $3}' | sort -u >&2
	exit 1
fi

if [ "${1:-}" = "--git" ]; then
	changed="$(git status --porcelain --untracked-files=all -- '*_templ.go')"
	if [ -n "$changed" ]; then
		echo "generated templ files differ from what is committed; run 'make generate' and commit:" >&2
		printf '%s\n' "$changed" >&2
		exit 1
	fi
fi

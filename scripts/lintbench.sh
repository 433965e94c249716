#!/usr/bin/env bash
# lintbench.sh — `routigen lint ./...` next to `go vet -vettool=routigen ./...`
# on a large real module, golang.org/x/tools (216 packages) copied from the
# module cache, in the same run (SPEC §5: peak memory ≤ 500 MB; with a warm
# build cache ≤ 1.2× go vet -vettool). See docs/PERFORMANCE.md.
#
# usage: scripts/lintbench.sh [-r REPS] [-o OLD_ROUTIGEN] [-k]
#
#   -r REPS   warm runs per tool, interleaved (default 7; median shown)
#   -o BIN    also measure another routigen binary's `lint ./...` once (e.g.
#             one built from before lint ran through go vet)
#   -k        keep the temporary directory
#
# States:
#   first  a fresh copy of x/tools and a routigen binary whose vet results
#          are not cached (one byte appended: a new tool ID): the module's
#          packages are compiled and analysed, dependencies and the standard
#          library come from the cache.
#   warm   a primed cache and an unchanged tree: the go command replays.
#
# Memory is the peak of the summed RSS of every process of the command (the
# go command and the tool processes it runs in parallel), sampled every 50 ms.
set -euo pipefail
reps=7 old="" keep=0
while getopts r:o:k opt; do
	case $opt in
	r) reps=$OPTARG ;;
	o) old=$OPTARG ;;
	k) keep=1 ;;
	*) sed -n 2,20p "$0"; exit 2 ;;
	esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
[ "$keep" = 1 ] || trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
ver=$(cd "$root" && go list -m -f '{{.Version}}' golang.org/x/tools)
src=$(go env GOMODCACHE)/golang.org/x/tools@$ver
cp -r "$src" "$tmp/xt" && chmod -R u+w "$tmp/xt"
(cd "$root" && go build -o "$tmp/routigen" ./cmd/routigen)
cd "$tmp/xt"
go mod download
echo "module golang.org/x/tools@$ver: $(go list ./... | wc -l) packages; $(nproc) cores"

# measure CMD...: prints "wall_seconds peak_total_MB".
measure() {
	local start end pid peak=0 sum
	start=$(date +%s.%N)
	setsid "$@" >/dev/null 2>"$tmp/err" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sum=$(ps -s "$pid" -o rss= 2>/dev/null | awk '{s+=$1} END {print s+0}' || true)
		if [ "${sum:-0}" -gt "$peak" ]; then peak=$sum; fi
		sleep 0.05
	done
	wait "$pid" || true
	end=$(date +%s.%N)
	printf '%.2f %d\n' "$(echo "$end - $start" | bc)" $((peak / 1024))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cp "$tmp/routigen" "$tmp/routigen-first" && printf x >>"$tmp/routigen-first"
echo "first  lint:          $(measure "$tmp/routigen-first" lint ./...)   (s, MB)"
measure go vet -vettool="$tmp/routigen" ./... >/dev/null # prime
: >"$tmp/vet" && : >"$tmp/lint"
for _ in $(seq "$reps"); do
	measure go vet -vettool="$tmp/routigen" ./... >>"$tmp/vet"
	measure "$tmp/routigen" lint ./... >>"$tmp/lint"
done
v=$(cut -d' ' -f1 "$tmp/vet" | median) l=$(cut -d' ' -f1 "$tmp/lint" | median)
echo "warm   go vet -vettool: median $v s, peak $(cut -d' ' -f2 "$tmp/vet" | sort -n | tail -1) MB ($reps runs)"
echo "warm   lint:            median $l s, peak $(cut -d' ' -f2 "$tmp/lint" | sort -n | tail -1) MB ($reps runs)"
echo "warm   lint / vet:      $(echo "scale=2; $l / $v" | bc)"
if [ -n "$old" ]; then
	echo "other  $old lint: $(measure "$old" lint ./...)   (s, MB)"
fi

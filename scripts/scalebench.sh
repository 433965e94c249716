#!/usr/bin/env bash
# scalebench.sh — every figure of docs/perf/scale.md in one go: the generator
# benchmark (routigen next to a bare packages.Load: go:generate of one package,
# ./... over 100 packages, one package of 1,000 structs; each uncached, with a
# cold and with a warm render cache) and
# scripts/vetbench.sh for each M. Prints everything; redirect to keep it.
#
# usage: scripts/scalebench.sh [-s REV] [-x GEN_ITERS] [-r REPS] [-c COLD_REPS] [M ...]
#
#   -s REV   measure a clean `git archive REV` instead of the working tree
#   -x N     iterations per generator sub-benchmark (default 5)
#   -r, -c   passed to vetbench.sh (default 3 and 1)
#   M ...    module sizes for vetbench.sh (default 20 200 500)
set -euo pipefail

rev= iters=5 reps=3 cold=1
while getopts "s:x:r:c:h" opt; do
	case $opt in
	s) rev=$OPTARG ;;
	x) iters=$OPTARG ;;
	r) reps=$OPTARG ;;
	c) cold=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20 200 500)

root=$(cd "$(dirname "$0")/.." && pwd)
src=$root
if [ -n "$rev" ]; then
	src=$(mktemp -d "${TMPDIR:-/tmp}/scalebench.XXXXXX")
	trap 'rm -rf "$src"' EXIT
	git -C "$root" archive "$rev" | tar -x -C "$src"
	echo "scalebench: $rev = $(git -C "$root" rev-parse --short "$rev")"
fi
export GOWORK=off GOPROXY=off

echo "scalebench: $(date -u +%FT%TZ), $(nproc) cores, $(go version | cut -d' ' -f3-), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generator: go test -run '^\$' -bench BenchmarkGenerate -benchtime ${iters}x ./internal/synth/"
(cd "$src" && go test -run '^$' -bench BenchmarkGenerate -benchtime "${iters}x" ./internal/synth/)

for m in "${sizes[@]}"; do
	echo "== go vet: scripts/vetbench.sh -r $reps -c $cold ${rev:+-s $rev }$m"
	"$root/scripts/vetbench.sh" -r "$reps" -c "$cold" ${rev:+-s "$rev"} "$m"
done

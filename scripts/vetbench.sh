#!/usr/bin/env bash
# vetbench.sh — `go vet -vettool=routigen` next to plain `go vet`, on the same
# synthetic module, in the same run (SPEC §5: ≤ 1.0× plain go vet on a
# 200-package module). See docs/perf/scale.md.
#
# usage: scripts/vetbench.sh [-r REPS] [-c COLD_REPS] [-a auto|yes|no] [-s REV] [-k] [M]
#
#   M          number of packages of the synthetic module (default 200)
#   -r REPS    timed runs per tool for warm and edit (default 3; median shown)
#   -c REPS    timed runs per tool for cold (default 1; 0 skips cold)
#   -a MODE    accessors: yes = the module declares //routigen:state types and
#              calls their accessors (needs a working `routigen gen`); no =
#              runtime calls only; auto (default) = yes if `routigen gen` works
#   -s REV     build routigen (and point the module's replace) at a clean
#              `git archive REV` of this repository instead of the working
#              tree, e.g. -s HEAD while others edit the tree
#   -k         keep the temporary directory
#
# Three cache states, runs of the two tools interleaved:
#   cold  fresh, empty GOCACHE: the standard library and the runtime are
#         compiled for export data, and each tool runs over every dependency
#         for facts, as on a CI runner without a cache.
#   warm  a primed GOCACHE and an unchanged tree: the go command replays
#         cached vet results (findings included) and runs no tool at all;
#         this measures its cache lookups, the same work for both.
#   edit  a primed GOCACHE, but every package of the module edited (a comment
#         appended) just before the run: all M packages are recompiled and
#         re-analysed, their dependencies come from the cache. The figure a
#         developer sees after a change that touches the whole module.
#
# Prints one line per state with both medians and the ratio routigen/plain.
set -euo pipefail

reps=3 cold_reps=1 accessors=auto keep=0 rev=
while getopts "r:c:a:s:kh" opt; do
	case $opt in
	r) reps=$OPTARG ;;
	c) cold_reps=$OPTARG ;;
	a) accessors=$OPTARG ;;
	s) rev=$OPTARG ;;
	k) keep=1 ;;
	*) sed -n '2,31p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
m=${1:-200}
case $accessors in auto | yes | no) ;; *) echo "vetbench: -a auto|yes|no" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vetbench.XXXXXX")
if [ "$keep" = 1 ]; then
	echo "vetbench: keeping $work"
else
	trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
fi

if [ -n "$rev" ]; then
	mkdir "$work/src"
	git -C "$root" archive "$rev" | tar -x -C "$work/src"
	echo "vetbench: routigen from $rev ($(git -C "$root" rev-parse --short "$rev"))"
	root=$work/src
fi

export GOWORK=off GOPROXY=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"
tool=$work/routigen
mod=$work/mod
(cd "$root" && go build -o "$tool" ./cmd/routigen && go build -o "$work/synth" ./internal/synth/cmd/synth)

gen_module() { # $1: yes|no accessors
	rm -rf "$mod"
	local flag=
	[ "$1" = yes ] && flag=-accessors
	(cd "$root" && "$work/synth" -module -m "$m" $flag -o "$mod")
}

used_accessors=no
if [ "$accessors" != no ]; then
	gen_module yes
	if (cd "$mod" && "$tool" gen ./... >"$work/gen.log" 2>&1) && (cd "$mod" && go build ./... >>"$work/gen.log" 2>&1); then
		used_accessors=yes
	elif [ "$accessors" = yes ]; then
		echo "vetbench: routigen gen failed on the module:" >&2
		head -20 "$work/gen.log" >&2
		exit 1
	else
		echo "vetbench: routigen gen does not work yet ($(head -1 "$work/gen.log")); module without accessors" >&2
	fi
fi
[ "$used_accessors" = yes ] || gen_module no
(cd "$mod" && go build ./...)

now() { date +%s%N; }

# vet TOOL GOCACHE LOG: runs go vet (plain when TOOL is "plain") and prints
# the elapsed seconds. Findings make go vet exit 1; any other failure stops.
vet() {
	local args=() t0 t1 rc=0
	[ "$1" = plain ] || args=(-vettool="$1")
	t0=$(now)
	(cd "$mod" && GOCACHE=$2 go vet "${args[@]}" ./... >"$3" 2>&1) || rc=$?
	t1=$(now)
	if [ "$rc" != 0 ] && ! grep -qE '^[^ ]+\.go:[0-9]+:[0-9]+: ' "$3"; then
		echo "vetbench: go vet ${args[*]} failed (exit $rc) without findings:" >&2
		head -20 "$3" >&2
		exit 1
	fi
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

edit_count=0
edit() { # append a comment to one file of every package
	edit_count=$((edit_count + 1))
	local f
	for f in "$mod"/p*/api.go; do
		echo "// edit $edit_count" >>"$f"
	done
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

report() { # state plain-times tool-times
	local p t
	p=$(echo "$2" | median)
	t=$(echo "$3" | median)
	printf "%-5s  plain %8.3fs  routigen %8.3fs  ratio %.2fx   (runs: plain [%s], routigen [%s])\n" \
		"$1" "$p" "$t" "$(awk -v p="$p" -v t="$t" 'BEGIN { print t / p }')" "${2# }" "${3# }"
}

echo "vetbench: M=$m packages, accessors=$used_accessors, $(nproc) cores, $(go version | cut -d' ' -f3-)"
echo "vetbench: module $mod ($(cd "$mod" && go list ./... | wc -l) packages, $(cat "$mod"/p*/*.go | wc -l) lines; $(cd "$mod" && go list -deps ./... | wc -l) packages with dependencies)"

# cold
if [ "$cold_reps" -gt 0 ]; then
	pc= tc=
	for i in $(seq "$cold_reps"); do
		rm -rf "$work/cache"
		pc="$pc $(vet plain "$work/cache" "$work/plain.log")"
		rm -rf "$work/cache"
		tc="$tc $(vet "$tool" "$work/cache" "$work/tool.log")"
	done
	report cold "$pc" "$tc"
fi

# warm: prime the cache with both tools (untimed), then time replays.
vet plain "$work/cache" "$work/plain.log" >/dev/null
vet "$tool" "$work/cache" "$work/tool.log" >/dev/null
plain_findings=$(grep -cE '^[^ ]+\.go:[0-9]+:[0-9]+: ' "$work/plain.log" || true)
# routigen's findings per check, from an untimed -json run (unitchecker's
# tab-indented JSON; related positions sit deeper and are not counted).
(cd "$mod" && GOCACHE=$work/cache go vet -vettool="$tool" -json ./... 2>/dev/null) |
	awk '/^\t\t"[a-z]+": \[/ { c = $1; gsub(/[":]/, "", c) } /^\t\t\t\t"posn":/ { n[c]++; t++ }
		END { printf "vetbench: findings: routigen %d:", t; for (c in n) printf " %s %d", c, n[c]; print "" }' || true
echo "vetbench: findings: plain vet $plain_findings"
pw= tw=
for i in $(seq "$reps"); do
	pw="$pw $(vet plain "$work/cache" "$work/plain.log")"
	tw="$tw $(vet "$tool" "$work/cache" "$work/tool.log")"
done
report warm "$pw" "$tw"

# edit
pe= te=
for i in $(seq "$reps"); do
	edit
	pe="$pe $(vet plain "$work/cache" "$work/plain.log")"
	edit
	te="$te $(vet "$tool" "$work/cache" "$work/tool.log")"
done
report edit "$pe" "$te"

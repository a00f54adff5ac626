#!/bin/sh
# bench/run.sh - the driver behind `make bench` (issue 6, "The benchmark").
#
# Builds the programs of bench/ into $B/bench/, generates the inputs, and
# measures, in one go:
#
#   1. every workload under every tool (native, bare, full, sampled,
#      heaptrack, valgrind on a smaller input), RUNS rounds with the tools
#      run in alternation, and prints the medians as ratios to native;
#   2. thread scaling of the shim (prodcons.c -t and -s);
#   3. the shim's own figures: the exit scan of 1M blocks, the pause of a
#      live dump, tracker memory per live block, the exit dump and the
#      reporter on 100k distinct stacks.
#
# The report (markdown) goes to stdout and to bench/results-<date>.md;
# progress goes to stderr.  bench/README.md says how to read it.
#
# Environment: B, the build directory (make sets it); BENCH_RUNS, rounds
# (default 3); BENCH_DIV, a divisor for every input size, to try the
# harness quickly (default 1: the sizes of the recorded results);
# BENCH_KEEP=1 keeps the temporary directory with the raw figures;
# BENCH_TIMEOUT, seconds after which a run is stopped (default 40): the
# pair of workload and tool is then marked as timed out and not run again,
# so that one pathological case cannot take the whole budget.  It
# installs nothing: a tool or a program that is missing is marked n/a.
set -eu
B=${B:-build}
B=$(cd "$B" && pwd)
cd "$(dirname "$0")"
HERE=$(pwd)
RUNS=${BENCH_RUNS:-3}
DIV=${BENCH_DIV:-1}
LIMIT=${BENCH_TIMEOUT:-40}
BB=$B/bench
SHIM=$B/libleakshim.so
START=$(date +%s)
T=$(mktemp -d "${TMPDIR:-/tmp}/leakshim-bench.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$BB"
# The tree that was built (make built the shim just before): revision and
# uncommitted changes of the shim, the reporter and the Makefile.
{ git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown; } > "$T/rev"
{ git -C .. status --porcelain -- shim reporter Makefile 2>/dev/null ||
	:; } | wc -l >> "$T/rev"

say() {		# progress on stderr, with the elapsed time
	printf 'bench [%3ds] %s\n' $(( $(date +%s) - START )) "$*" >&2
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# --- sizes: the big input of each workload and the divisor for valgrind ---
# Native runs take about 0.4 to 1.5 s at these sizes on the recorded
# machine; valgrind runs on the big size divided by V_<workload>.
N_churn=40000000;	V_churn=10	# rounds
N_prodcons=4000000;	V_prodcons=10	# blocks
N_deep=6000000;		V_deep=10	# allocations
N_grow=2000000;		V_grow=100	# buffers grown to 64 KiB
N_python=40;		V_python=10	# rounds of pywork.py
N_sqlite=200000;	V_sqlite=10	# rows
N_gcc=250;		V_gcc=10	# functions
N_scale=4000000				# blocks, thread scaling
WORKLOADS="churn prodcons deep grow python sqlite gcc"
TOOLS="native bare full sampled heaptrack"
SAMPLE=524288

size() {	# WORKLOAD big|small: the size argument
	eval "n=\$N_$1 v=\$V_$1"
	n=$(( n / DIV ))
	[ "$2" = small ] && n=$(( n / v ))
	[ "$n" -ge 1 ] || n=1
	echo "$n"
}

# --- build ---
say "building the programs of bench/ into $BB"
for p in churn deep grow scan1m pause forkbase live1m stacks100k; do
	cc -O2 -g -o "$BB/$p" "$p.c"
done
cc -O2 -g -o "$BB/prodcons" prodcons.c -lpthread
cc -O2 -o "$BB/measure" measure.c
cc -O2 -g -fPIC -shared -ftls-model=initial-exec -o "$BB/libbare.so" bare.c \
	-lunwind -ldl
M=$BB/measure

# --- what can run ---
NA=""		# "workload:tool" pairs, and workloads, that cannot run
have heaptrack || NA="$NA heaptrack"
have valgrind || NA="$NA valgrind"
[ -x /usr/bin/python3 ] || NA="$NA python"
have sqlite3 || NA="$NA sqlite"
have gcc || NA="$NA gcc"
is_na() {
	case " $NA " in *" $1 "*) return 0 ;; esac
	return 1
}

# --- inputs ---
say "generating the sqlite3 and gcc inputs"
for sz in big small; do
	is_na sqlite || awk -v rows="$(size sqlite $sz)" -f gensql.awk \
		> "$T/work.$sz.sql"
	is_na gcc || awk -v funcs="$(size gcc $sz)" -f gencc.awk \
		> "$T/work.$sz.c"
done

hexsum() {	# COUNTER FILE...: the sum of a hex dump counter over dumps
	c=$1
	shift
	cat "$@" 2>/dev/null | awk -v c="$c" '
		function hex(s,	i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef",
						   substr(s, i, 1)) - 1
			return v
		}
		$1 == "c" && $2 == c { sum += hex($3) }
		END { printf "%.0f\n", sum }'
}

# run_one TOOL WORKLOAD big|small ROUND: one measured run, appended to
# $T/res as "workload tool size round seconds kib ok|fail|timeout dump_usec".
# A pair that timed out once is not run again.
run_one() {
	tool=$1 wl=$2 sz=$3 round=$4
	if grep -qx "$wl $tool" "$T/skip"; then
		printf ' %s skipped' "$tool" >&2
		return
	fi
	n=$(size "$wl" "$sz")
	case $wl in
	python)	set -- /usr/bin/python3 "$HERE/pywork.py" "$n" ;;
	sqlite)	set -- sqlite3 :memory: ".read $T/work.$sz.sql" ;;
	gcc)	set -- gcc -O2 -c -o "$T/work.o" "$T/work.$sz.c" ;;
	*)	set -- "$BB/$wl" "$n" ;;
	esac
	rm -rf "$T/d"
	mkdir "$T/d"
	opts="summary=0:path=$T/d/%p.dump"
	case $tool in
	bare)	set -- env "LD_PRELOAD=$BB/libbare.so" "$@" ;;
	full)	set -- env "LD_PRELOAD=$SHIM" "LEAKSHIM_OPTIONS=$opts" "$@" ;;
	sampled)
		set -- env "LD_PRELOAD=$SHIM" \
			"LEAKSHIM_OPTIONS=$opts:sample=$SAMPLE" "$@" ;;
	heaptrack)
		# heaptrack follows no child: gcc's own -wrapper puts cc1
		# and as under it too, as LD_PRELOAD puts them under the shim.
		if [ "$wl" = gcc ]; then
			shift
			set -- heaptrack -o "$T/d/ht" gcc \
				-wrapper "heaptrack,-o,$T/d/ht-sub" "$@"
		else
			set -- heaptrack -o "$T/d/ht" "$@"
		fi ;;
	valgrind)
		set -- valgrind --leak-check=full -q --trace-children=yes "$@" ;;
	esac
	[ "$wl" = python ] && set -- env PYTHONMALLOC=malloc "$@"
	st=ok
	if ! "$M" -t "$LIMIT" "$T/m" "$@" </dev/null >/dev/null 2>"$T/err"
	then
		st=fail
		cp "$T/err" "$T/fail.$wl.$tool"
	fi
	read -r secs kib _ code < "$T/m"
	if [ "$code" = timeout ]; then
		st=timeout
		rm -f "$T/fail.$wl.$tool"
		echo "$wl $tool" >> "$T/skip"
	fi
	us=0
	case $tool in
	full|sampled)
		us=$(( $(hexsum snapshot_usec "$T"/d/*.dump) + \
		       $(hexsum scan_usec "$T"/d/*.dump) ))
		[ "$st" != ok ] || ls "$T"/d/*.dump >/dev/null 2>&1 ||
			st=nodump ;;
	esac
	if [ "$tool" = sampled ] && [ ! -s "$T/sample-note" ]; then
		grep -i 'leakshim' "$T/err" | head -1 > "$T/sample-note" || :
	fi
	echo "$wl $tool $sz $round $secs $kib $st $us" >> "$T/res"
	if [ "$st" = ok ]; then
		printf ' %s %ss' "$tool" "$secs" >&2
	else
		printf ' %s %ss (%s)' "$tool" "$secs" "$st" >&2
	fi
}

# --- part 1: workloads x tools ---
cut -d' ' -f1-3 /proc/loadavg > "$T/load0"
cat > "$T/inputs" <<EOF
churn $(size churn big) rounds ($(size churn small))
prodcons $(size prodcons big) blocks ($(size prodcons small))
deep $(size deep big) allocations ($(size deep small))
grow $(size grow big) buffers ($(size grow small))
python pywork.py $(size python big) ($(size python small))
sqlite $(size sqlite big) rows ($(size sqlite small))
gcc $(size gcc big) functions ($(size gcc small))
EOF
: > "$T/res"
: > "$T/skip"
for wl in $WORKLOADS; do
	if is_na "$wl"; then
		say "$wl: n/a (not installed)"
		continue
	fi
	r=1
	while [ "$r" -le "$RUNS" ]; do
		say "$wl round $r/$RUNS (n=$(size "$wl" big), small $(size "$wl" small)):"
		for tool in $TOOLS; do
			is_na "$tool" || run_one "$tool" "$wl" big "$r"
		done
		if ! is_na valgrind; then
			run_one native "$wl" small "$r"
			run_one valgrind "$wl" small "$r"
		fi
		echo >&2
		r=$(( r + 1 ))
	done
done

# --- part 2: thread scaling ---
say "thread scaling: prodcons $(( N_scale / DIV )) -t|-s K, K = 1 2 4 8"
: > "$T/scale"
r=1
while [ "$r" -le "$RUNS" ]; do
	for mode in t s; do
		for k in 1 2 4 8; do
			for tool in native bare full; do
				case $tool in
				native) set -- ;;
				bare) set -- "LD_PRELOAD=$BB/libbare.so" ;;
				full) set -- "LD_PRELOAD=$SHIM" \
					"LEAKSHIM_OPTIONS=summary=0:path=$T/%p.dump" ;;
				esac
				s=$(env "$@" "$BB/prodcons" $(( N_scale / DIV )) \
					-$mode $k | awk '{ print $6 }')
				echo "$mode $k $tool $r $s" >> "$T/scale"
				rm -f "$T"/*.dump
			done
		done
	done
	say "  round $r/$RUNS done"
	r=$(( r + 1 ))
done

# --- part 3: the shim's own figures ---
say "scan of 1M live blocks at exit (3 runs)"
: > "$T/scan"
for i in 1 2 3; do
	rm -f "$T"/*.dump
	LD_PRELOAD="$SHIM" LEAKSHIM_OPTIONS="path=$T/s.%p.dump:summary=0" \
		"$BB/scan1m"
	echo "$i $(hexsum snapshot_usec "$T"/s.*.dump) $(hexsum scan_usec "$T"/s.*.dump)" >> "$T/scan"
done

say "pause of a live dump, 1 GiB heap (3 runs), and plain fork()"
: > "$T/pause"
for i in 1 2 3; do
	LD_PRELOAD="$SHIM" LEAKSHIM_OPTIONS="path=$T/p.%p.%n.dump:summary=0" \
		"$BB/pause" 1024 >> "$T/pause"
	rm -f "$T"/p.*.dump
done
"$BB/forkbase" 1024 > "$T/fork"

# measure_as native|full NAME PROGRAM: PROGRAM under measure ($T/m), with
# the shim for full (its dump $T/NAME.<pid>.dump).
measure_as() {
	if [ "$1" = full ]; then
		"$M" "$T/m" env "LD_PRELOAD=$SHIM" \
			"LEAKSHIM_OPTIONS=path=$T/$2.%p.dump:summary=0" "$3"
	else
		"$M" "$T/m" env "$3"
	fi
}

say "tracker memory with 1M live 32-byte blocks (3 runs each)"
: > "$T/live"
for i in 1 2 3; do
	for tool in native full; do
		rm -f "$T"/l.*.dump
		hwm=$(measure_as "$tool" l "$BB/live1m" | awk '{ print $2 }')
		read -r secs kib _ _ < "$T/m"
		echo "$tool $hwm $kib $(hexsum tracker_bytes "$T"/l.*.dump)" >> "$T/live"
	done
done

say "exit dump of 1M blocks in 100k distinct stacks (3 runs each)"
: > "$T/st"
for i in 1 2 3; do
	for tool in native full; do
		rm -f "$T"/k.*.dump
		end=$(measure_as "$tool" k "$BB/stacks100k" | awk '{ print $2 }')
		read -r secs kib fin _ < "$T/m"
		d=$(ls "$T"/k.*.dump 2>/dev/null || :)
		if [ -n "$d" ]; then
			extra="$(hexsum snapshot_usec "$d") $(hexsum scan_usec "$d") $(hexsum stacks "$d") $(wc -c < "$d")"
			cp "$d" "$T/stacks.dump"
		else
			extra="0 0 0 0"
		fi
		echo "$tool $(( (fin - end) / 1000 )) $kib $extra" >> "$T/st"
	done
done

say "leakreport on that dump, text and JSON (3 runs each)"
: > "$T/rep"
if [ -x "$B/leakreport" ] && [ -s "$T/stacks.dump" ]; then
	for i in 1 2 3; do
		for fmt in text json; do
			"$M" "$T/m" "$B/leakreport" --format "$fmt" \
				"$T/stacks.dump" > /dev/null
			read -r secs kib _ _ < "$T/m"
			echo "$fmt $secs $kib" >> "$T/rep"
		done
	done
fi
ELAPSED=$(( $(date +%s) - START ))
say "measured in $ELAPSED s; writing the report"

# --- the report ---
OUT="$HERE/results-$(date +%Y-%m-%d).md"
export RUNS SAMPLE DIV ELAPSED LIMIT
{
	sh "$HERE/report.sh" "$T" "$B"
} > "$T/out.md"
cp "$T/out.md" "$OUT"
cat "$T/out.md"
say "written to $OUT"

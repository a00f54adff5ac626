#!/bin/sh
# bench/report.sh - writes the markdown report of bench/run.sh to stdout
# from the raw figures it left in its temporary directory.
#
#   report.sh DIR BUILD     (RUNS, SAMPLE, DIV, ELAPSED and LIMIT in the
#                           environment)
#
# The raw files, one line per measured run:
#   res    workload tool big|small round seconds kib ok|fail|nodump|timeout
#          dump_usec
#   scale  t|s threads tool round seconds
#   scan   run snapshot_usec scan_usec
#   pause, fork   the lines pause and forkbase print
#   live   tool hwm_kib peak_kib tracker_bytes
#   st     tool exit_usec peak_kib snapshot_usec scan_usec stacks dump_bytes
#   rep    text|json seconds kib
#   inputs workload, then the description of its inputs
#   load0  the load average when the run started
#   rev    the git revision built, then the count of files changed
set -eu
T=$1
B=$2
cd "$(dirname "$0")"

# The awk functions every table uses: median of a list kept as a string.
AWKLIB='
function median(list,	v, n, i, j, x) {
	n = split(list, v, " ")
	if (n == 0)
		return ""
	for (i = 2; i <= n; i++) {
		x = v[i] + 0
		for (j = i - 1; j >= 1 && v[j] + 0 > x; j--)
			v[j + 1] = v[j]
		v[j + 1] = x
	}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function add(arr, key, val) {
	arr[key] = arr[key] == "" ? val : arr[key] " " val
}
'

ver() {		# COMMAND...: the first line it prints, or "n/a"
	"$@" 2>&1 | head -1 | grep . || echo n/a
}

mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
rev=$(sed -n 1p "$T/rev")
dirty=$(sed -n 2p "$T/rev")

cat <<EOF
# leakshim benchmark, $(date +%Y-%m-%d)

Machine: $(nproc) CPUs ($(grep -m1 '^model name' /proc/cpuinfo |
	sed 's/^[^:]*: *//')), $mem_gib GiB RAM, kernel $(uname -r),
$(getconf GNU_LIBC_VERSION 2>/dev/null || echo 'glibc ?'), $(gcc --version | head -1),
libunwind $(dpkg-query -W -f '${Version}' libunwind8 2>/dev/null || echo '?'),
$(ver heaptrack --version), $(ver valgrind --version),
sqlite3 $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo n/a),
$(ver /usr/bin/python3 --version). leakshim at $rev with $dirty files
changed under shim/, reporter/ and Makefile (uncommitted work included).
Load average before and after: $(cat "$T/load0"), $(cut -d' ' -f1-3 /proc/loadavg).
The whole run took $ELAPSED s (\`make bench\`, building excluded).

## Method

Every workload runs under every tool in alternation (native, bare, full,
sampled, heaptrack, then native and valgrind on the small input), and
the whole round is repeated $RUNS times. A figure is the median of the
$RUNS runs; a ratio is the tool's median over native's median, for time
(wall clock of the whole command, from fork to wait4) and for peak RSS
(\`ru_maxrss\` from wait4, the largest single process of the tree: for
gcc the largest of gcc, cc1 and as; for heaptrack usually its
\`heaptrack_interpret\`, not the program).

- **native**: no tool. **bare**: \`bench/bare.c\`, an interposer that calls
  \`unw_backtrace\` for 33 frames (the shim's default 32 kept frames plus
  the wrapper's own) on every allocation and stores nothing: the floor for
  exact tracking with libunwind.
- **full**: \`LD_PRELOAD=libleakshim.so\`,
  \`LEAKSHIM_OPTIONS=summary=0:path=DIR/%p.dump\`. Its time includes the
  exit dump with its leak scan; the last column gives the dump's own
  \`snapshot_usec + scan_usec\` (summed over the processes: gcc, cc1, as)
  and its share of the run.
- **sampled**: the same plus \`sample=$SAMPLE\`.
- **heaptrack**: \`heaptrack -o DIR/ht CMD\`, the whole command timed,
  including \`heaptrack_interpret\` and the compressed (zstd) trace it
  writes. heaptrack does not follow child processes, so for gcc the
  command is \`heaptrack -o DIR/ht gcc -wrapper heaptrack,-o,DIR/ht-sub ...\`:
  cc1 and as run under heaptrack too.
- **valgrind**: \`valgrind --leak-check=full -q --trace-children=yes\` on
  the small input (the size column), compared with native on the same
  small input.
- A run still going after $LIMIT s is stopped, and that workload and tool
  are not run again: the cell gives the lower bound (\`> N×\`).

EOF

awk "$AWKLIB"'
function cell(wl, tool, sz,	k, nt, nr, t, r) {
	k = wl SUBSEP tool SUBSEP sz
	if (!(k in time))
		return "n/a"
	nt = median(time[wl SUBSEP "native" SUBSEP sz])
	if (slow[k])
		return sprintf("> %.0f× (stopped at %d s)", limit / nt, limit)
	if (bad[k])
		return "fail (" bad[k] " of " cnt[k] ")"
	nr = median(rss[wl SUBSEP "native" SUBSEP sz])
	t = median(time[k]); r = median(rss[k])
	return sprintf("%.2f× / %.2f×", t / nt, r / nr)
}
function abs(wl, tool, sz,	k) {
	k = wl SUBSEP tool SUBSEP sz
	if (!(k in time))
		return "n/a"
	if (slow[k])
		return sprintf("> %d s (stopped)", limit)
	if (bad[k])
		return "fail"
	return sprintf("%.2f s, %.1f MiB", median(time[k]),
		       median(rss[k]) / 1024)
}
function ratio(wl, a, b,	ka, kb) {
	ka = wl SUBSEP a SUBSEP "big"; kb = wl SUBSEP b SUBSEP "big"
	if (!(ka in time) || !(kb in time) || bad[ka] || bad[kb] || slow[kb])
		return "n/a"
	if (slow[ka])
		return sprintf("> %.1f", limit / median(time[kb]))
	return sprintf("%.2f", median(time[ka]) / median(time[kb]))
}
FNR == NR {		# inputs: workload, then its description
	w = $1
	sub(/^[^ ]+ /, "")
	input[w] = $0
	order[++nw] = w
	next
}
{
	k = $1 SUBSEP $2 SUBSEP $3
	add(time, k, $5); add(rss, k, $6); cnt[k]++
	if ($7 == "timeout")
		slow[k]++
	else if ($7 != "ok")
		bad[k]++
	if ($8 > 0) {
		add(dus, k, $8 / 1000)
		add(share, k, $8 / 1e6 / $5 * 100)
	}
}
END {
	print "## Workloads: time and peak RSS, as ratios to native"
	print ""
	print "Each cell is time ratio / peak-RSS ratio (median tool / median native)."
	print ""
	print "| workload | input (valgrind input) | native | bare | full | sampled | heaptrack | valgrind | full: exit dump |"
	print "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= nw; i++) {
		w = order[i]
		k = w SUBSEP "full" SUBSEP "big"
		d = dus[k] == "" ? "n/a" : sprintf("%.0f ms (%.1f%%)", median(dus[k]), median(share[k]))
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", w,
			input[w], abs(w, "native", "big"), cell(w, "bare", "big"),
			cell(w, "full", "big"), cell(w, "sampled", "big"),
			cell(w, "heaptrack", "big"), cell(w, "valgrind", "small"), d
	}
	print ""
	print "Against the targets of issue 6 (time ratios of medians):"
	print ""
	print "| workload | full / bare (target ≤ 1.25) | full / heaptrack (≤ 0.5) | sampled / native (≤ 1.05) | full RSS / native |"
	print "| --- | --- | --- | --- | --- |"
	for (i = 1; i <= nw; i++) {
		w = order[i]
		kf = w SUBSEP "full" SUBSEP "big"; kn = w SUBSEP "native" SUBSEP "big"
		rr = (kf in rss) && !bad[kf] && !slow[kf] ? sprintf("%.2f", median(rss[kf]) / median(rss[kn])) : "n/a"
		printf "| %s | %s | %s | %s | %s |\n", w, ratio(w, "full", "bare"),
			ratio(w, "full", "heaptrack"), ratio(w, "sampled", "native"), rr
	}
	print ""
	print "Medians, absolute (wall time, peak RSS):"
	print ""
	print "| workload | bare | full | sampled | heaptrack | native, small input | valgrind, small input |"
	print "| --- | --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= nw; i++) {
		w = order[i]
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", w,
			abs(w, "bare", "big"), abs(w, "full", "big"),
			abs(w, "sampled", "big"), abs(w, "heaptrack", "big"),
			abs(w, "native", "small"), abs(w, "valgrind", "small")
	}
	print ""
}' limit="$LIMIT" "$T/inputs" "$T/res"

for f in "$T"/fail.*; do
	[ -e "$f" ] || continue
	n=${f##*/fail.}
	echo "Failure of ${n%%.*} under ${n#*.} (last lines of its stderr):"
	echo
	tail -n 4 "$f" | sed 's/^/    /'
	echo
done
if [ -s "$T/sample-note" ]; then
	echo "The shim said, with \`sample=$SAMPLE\`: \`$(cat "$T/sample-note")\`"
	echo
fi

echo "## Thread scaling (issue 6 target 4)"
echo
echo "\`prodcons N -t K\`: K threads in a ring, each allocating N/K blocks"
echo "(16 to 527 bytes, filled) in batches of 256 and freeing the batches the"
echo "previous thread allocated; \`-s K\`: each frees its own. K = 1 is one"
echo "thread doing the same total work. N = $(( 4000000 / DIV )); throughput in"
echo "million blocks (one malloc and one free each) per second, median of $RUNS,"
echo "and in parentheses the speed-up over one thread (target: at least 1.7"
echo "with 2 threads freeing each other's blocks, under full tracking)."
echo
awk "$AWKLIB"'
{ add(sec, $1 SUBSEP $2 SUBSEP $3, $5); n = 4000000 / div }
END {
	print "| frees | tool | 1 thread | 2 threads | 4 threads | 8 threads |"
	print "| --- | --- | --- | --- | --- | --- |"
	split("t s", modes, " "); split("native bare full", tools, " ")
	split("1 2 4 8", ks, " ")
	for (m = 1; m <= 2; m++)
		for (t = 1; t <= 3; t++) {
			one = median(sec[modes[m] SUBSEP 1 SUBSEP tools[t]])
			who = modes[m] == "t" ? "the other thread'"'"'s" : "its own"
			line = sprintf("| %s | %s |", who, tools[t])
			for (i = 1; i <= 4; i++) {
				s = median(sec[modes[m] SUBSEP ks[i] SUBSEP tools[t]])
				if (s > 0)
					line = line sprintf(" %.1f (%.2f×) |", n / s / 1e6, one / s)
				else
					line = line " n/a |"
			}
			print line
		}
}' div="$DIV" "$T/scale"
echo

echo "## The shim's own figures"
echo
echo "### Leak classification of 1M live blocks at exit (issue 4)"
echo
echo "\`bench/scan1m.c\`: 1,000,000 live 64-byte blocks in 1000 linked lists,"
echo "half of the lists forgotten; the exit dump's \`snapshot_usec\` and"
echo "\`scan_usec\` counters."
echo
echo "| run | copy and sort the blocks | pointer scan |"
echo "| --- | --- | --- |"
awk '{ printf "| %d | %.0f ms | %.0f ms |\n", $1, $2 / 1000, $3 / 1000 }' "$T/scan"
echo
echo "### Pause of a live dump, 1 GiB heap"
echo
echo "\`bench/pause.c 1024\`: the longest gap between two iterations of a"
echo "malloc/free loop while a live dump is taken; \`bench/forkbase.c 1024\`:"
echo "a plain \`fork()\` of the same heap without the shim."
echo
echo "| run | longest gap (live dump) | plain fork |"
echo "| --- | --- | --- |"
i=1
while [ $i -le 3 ]; do
	g=$(sed -n "${i}p" "$T/pause" | sed 's/.*longest gap \([0-9.]*\) ms.*/\1/')
	f=$(sed -n "${i}p" "$T/fork" | sed 's/.*: \([0-9.]*\) ms/\1/')
	echo "| $i | ${g:-n/a} ms | ${f:-n/a} ms |"
	i=$(( i + 1 ))
done
echo

echo "### Tracker memory per live block (issue 6 target 3: at most 40 bytes)"
echo
echo "\`bench/live1m.c\`: 1,000,000 live 32-byte blocks from one site, medians of 3."
echo
awk "$AWKLIB"'
{ add(hwm, $1, $2); add(peak, $1, $3); if ($1 == "full") add(tb, $1, $4) }
END {
	hn = median(hwm["native"]); hf = median(hwm["full"])
	pn = median(peak["native"]); pf = median(peak["full"])
	print "| measure | native | full | tracker bytes per block |"
	print "| --- | --- | --- | --- |"
	printf "| peak RSS as main() ends (VmHWM) | %.1f MiB | %.1f MiB | %.1f |\n",
		hn / 1024, hf / 1024, (hf - hn) * 1024 / 1e6
	printf "| peak RSS of the run, exit dump included | %.1f MiB | %.1f MiB | %.1f |\n",
		pn / 1024, pf / 1024, (pf - pn) * 1024 / 1e6
	printf "| the dump'"'"'s `tracker_bytes` (all the shim has mapped) | | %.1f MiB | %.1f |\n",
		median(tb["full"]) / 1048576, median(tb["full"]) / 1e6
}' "$T/live"
echo

echo "### Exit dump of 1M blocks in 100k distinct stacks (issue 6 target 5: at most 1 s)"
echo
echo "\`bench/stacks100k.c\`: 100,000 distinct call paths (a recursion 17 levels"
echo "deep through two functions, chosen by the bits of the path's number), 10"
echo "32-byte blocks from each, half of them leaked; medians of 3. The exit"
echo "time is from the end of \`main()\` to the parent's \`wait4()\`."
echo
awk "$AWKLIB"'
{ add(ex, $1, $2); add(pk, $1, $3)
  if ($1 == "full") { add(sn, 1, $4); add(sc, 1, $5); st = $6; sz = $7 } }
END {
	print "| snapshot_usec | scan_usec | exit, native | exit, full | exit dump (full - native) | stacks | dump size | peak RSS native / full |"
	print "| --- | --- | --- | --- | --- | --- | --- | --- |"
	printf "| %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %d | %.1f MB | %.1f / %.1f MiB |\n",
		median(sn[1]) / 1000, median(sc[1]) / 1000,
		median(ex["native"]) / 1000, median(ex["full"]) / 1000,
		(median(ex["full"]) - median(ex["native"])) / 1000, st, sz / 1e6,
		median(pk["native"]) / 1024, median(pk["full"]) / 1024
}' "$T/st"
echo

echo "### leakreport on that dump (issue 6 target 6: at most 5 s)"
echo
echo "Medians of 3, output to /dev/null."
echo
if [ -s "$T/rep" ]; then
	awk "$AWKLIB"'
	{ add(s, $1, $2); add(k, $1, $3) }
	END {
		print "| format | time | peak RSS |"
		print "| --- | --- | --- |"
		printf "| text | %.2f s | %.0f MiB |\n", median(s["text"]), median(k["text"]) / 1024
		printf "| json | %.2f s | %.0f MiB |\n", median(s["json"]), median(k["json"]) / 1024
	}' "$T/rep"
else
	echo "n/a: no $B/leakreport, or no dump"
fi

#!/bin/sh
# t115-security.sh - what docs/security.md promises: the program name in a
# dump path cannot climb out of the directory or carry control bytes,
# reports written with -o are private and atomic, the metrics file is never
# written through a symlink, and control bytes in a dump never reach a
# terminal raw.  (Dump modes and symlinks: t110; passwords: t200.)
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1	# leakshim leaves its dumps in the working directory

# name ARGV0: runs leaky with that argv[0] and path=$T/n/%e.dump; prints
# the names of the files it left.
name() {
	rm -rf "$T/n"
	mkdir "$T/n"
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/n/%e.dump:summary=0" \
		bash -c 'exec -a "$1" "$2"' sh "$1" "$EX/leaky" >/dev/null 2>&1
	ls -A "$T/n"
}

is "$(name ..)" _.dump "%e of '..' is '_': no climbing out"
is "$(name ...)" _.dump "%e of '...' is '_'"
is "$(name "$(printf 'ev\033[31mil\nx')")" ev__31mil_x.dump \
	"%e: control bytes and brackets become '_'"
is "$(name 'a b;$(id)')" a_b___id_.dump "%e: shell characters become '_'"
is "$(name x.y-z_1)" x.y-z_1.dump "%e: letters, digits, '.', '-', '_' stay"

# Control bytes in the program name reach the report escaped.
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/esc.dump:summary=0" \
	bash -c 'exec -a "$(printf "ev\033]0;x\007il")" "$1"' sh "$EX/leaky" \
	>/dev/null 2>&1
"$REPORT" "$T/esc.dump" >"$T/esc.txt"
is "$(tr -d '\n -~' <"$T/esc.txt" | wc -c)" 0 \
	"the text report holds no control byte from the dump"
is "$(head -n 1 "$T/esc.txt" | cut -d' ' -f2)" 'ev\x1b]0;x\x07il' \
	"they are shown escaped"
is "$("$REPORT" --format json "$T/esc.dump" | jq -r .process.program | od -An -c | tr -s ' ' | head -n 1)" \
	" e v 033 ] 0 ; x \a i l \n" "JSON carries them as escapes, intact"

# leakshim -o: private, atomic, never through a symlink.
echo secret >"$T/victim"
ln -s "$T/victim" "$T/report.txt"
(umask 0 && "$LEAKSHIM" -o "$T/report.txt" -- "$EX/leaky" >/dev/null 2>&1)
is "$(cat "$T/victim")" secret "-o: a symlink at the report's name is not followed"
ok $([ ! -L "$T/report.txt" ] && [ -s "$T/report.txt" ]; echo $?) \
	"-o: the report replaced the symlink"
is "$(stat -c %a "$T/report.txt")" 600 "-o: mode 0600 even with umask 0"
grep -q '^Direct leak of' "$T/report.txt"
ok $? "-o: it is the report"
cp "$T/report.txt" "$T/before.txt"
LEAKSHIM_REPORTER=/bin/false "$LEAKSHIM" -o "$T/report.txt" -- "$EX/leaky" \
	>/dev/null 2>&1
cmp -s "$T/report.txt" "$T/before.txt"
ok $? "-o: a failed report leaves the previous file as it was"
is "$(ls "$T" | grep -c '^report\.txt\.')" 0 "-o: no temporary file is left"

# -o to a device or a pipe writes into it: nothing is renamed over it.
rc=0
"$LEAKSHIM" -o /dev/null -- "$EX/leaky" >/dev/null 2>"$T/null.err" || rc=$?
ok $([ -c /dev/null ]; echo $?) "-o /dev/null: /dev/null is still the device"
is "$rc:$(cat "$T/null.err")" "0:" "-o /dev/null: status 0, nothing on stderr"
mkfifo "$T/fifo"
ln -s "$T/fifo" "$T/to-fifo"
timeout 30 cat "$T/fifo" >"$T/from-fifo" &	# no hang if nothing writes
"$LEAKSHIM" -o "$T/to-fifo" -- "$EX/leaky" >/dev/null 2>&1
wait
ok $([ -p "$T/fifo" ] && [ -L "$T/to-fifo" ] && grep -q '^Direct leak of' "$T/from-fifo"; echo $?) \
	"-o through a symlink to a FIFO: the report goes down the pipe"

# The metrics file: replaced, never written through a symlink.
ln -s "$T/victim" "$T/app.prom"
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/m.dump:metrics=$T/app.prom:summary=0" \
	"$EX/leaky" >/dev/null 2>&1
is "$(cat "$T/victim")" secret "metrics: a symlink at its name is not followed"
ok $([ ! -L "$T/app.prom" ] && grep -q '^leakshim_live_bytes{' "$T/app.prom"; echo $?) \
	"metrics: the file replaced the symlink"
is "$(stat -c %a "$T/app.prom")" 644 \
	"metrics: mode 0644, for node_exporter (figures and the program's name)"

done_testing

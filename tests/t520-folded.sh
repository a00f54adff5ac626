#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t520-folded.sh - leakreport --format folded, parsed the way
# flamegraph.pl and speedscope parse it (the weight after the last space,
# frames split on ';', outermost first).  The weights must add up to the
# JSON summary's figures (leaked bytes by default, blocks with --weight
# blocks, every live block with --all or for a dump that was not
# classified), every line must be the JSON report's stack of that entry,
# and names holding ';' or a newline must not split a frame or a line.
. "$(dirname "$0")/lib.sh"

# sum FILE: the weights of a folded file, parsed as flamegraph.pl does.
sum() {
	awk '{ n = $NF; sub(/ [0-9]+$/, ""); s += n } END { print s + 0 }' "$1"
}

# well_formed FILE: every line "FRAME;...;FRAME WEIGHT", no empty frame.
well_formed() {
	awk '!/^[^ ;].* [1-9][0-9]*$/ { bad = 1 }
	     { sub(/ [0-9]+$/, ""); if ($0 ~ /;;|;$/) bad = 1 }
	     END { exit bad }' "$1"
}

cd "$T" || exit 1
shim_run leaky "$EX/leaky"
D=$(only_dump leaky)
"$REPORT" --format json "$D" >r.json
summary() {
	jq -r ".summary | $1" r.json
}

"$REPORT" --format folded "$D" >f.txt
is "$?" 0 "--format folded: exit 0"
ok "$(well_formed f.txt; echo $?)" "every line is frames, a space, a weight"
is "$(sum f.txt)" "$(summary '.leaked_bytes + .indirect_bytes')" \
	"bytes add up to the JSON summary's leaked + indirect bytes"
is "$(cut -d';' -f1 f.txt | sort -u)" "_start" \
	"outermost frame first (_start)"
grep -q ";main;leak_malloc 100\$" f.txt
ok $? "leak_malloc's 100 bytes, innermost frame last"
is "$(sort f.txt | cut -d' ' -f1 | uniq -d)" "" "one line per stack"

# Every line is the JSON report's stack of its entries, weights added up.
jq -r '[.leaks[] | select(.kind == "direct" or .kind == "indirect")
	| {s: ([.stack | reverse[] | .function] | join(";")), b: .bytes}]
	| group_by(.s) | .[] | "\(.[0].s) \(map(.b) | add)"' r.json |
	sort >want.txt
sort f.txt >got.txt
is "$(cmp -s want.txt got.txt; echo $?)" 0 \
	"the lines are the JSON report's stacks and bytes"

"$REPORT" --format folded --weight blocks "$D" >b.txt
is "$(sum b.txt)" "$(summary '.leaked_blocks + .indirect_blocks')" \
	"--weight blocks: blocks add up to the summary's"
grep -q ";main;leak_list 5\$" b.txt
ok $? "--weight blocks: leak_list's 1 direct + 4 indirect blocks"
"$REPORT" --format folded --all "$D" >a.txt
is "$(sum a.txt)" "$(summary .live_bytes)" \
	"--all: reachable blocks too, the summary's live bytes"
"$REPORT" --format folded --top 1 "$D" >t.txt
is "$(sum t.txt)" "$(sum f.txt)" "--top does not cut folded stacks"

# A dump that was not classified: its live blocks.
sed -e 's/^\(b [0-9a-f]* \)[dir] /\1l /' \
	-e 's/^\(a [0-9a-f]* \)[dir] /\1l /' \
	-e 's/^c classified 1$/c classified 0/' "$D" >live.dump
"$REPORT" --format json live.dump >live.json
"$REPORT" --format folded live.dump >l.txt
is "$(jq .classified live.json)" false "a dump edited to be unclassified"
is "$(sum l.txt)" "$(jq .summary.live_bytes live.json)" \
	"not classified: the live bytes"

# Names with ';' and a newline (a module path: frames without symbols
# are named by it), and a frame in no module.
printf '%s\n' 'leakshim-dump 1' 'P 1 0 exit 0 0 1 0' 'N odd' \
	'c classified 1' \
	'm 7e0000000000 7e0000001000 7e0000000000 - /nonexistent/lib;x\nweird.so' \
	's 1 3 7e0000000010 7e0000000020 123' 'b 1 d 2 40 0' 'e 6 0' >odd.dump
"$REPORT" --format folded odd.dump >o.txt 2>o.err
is "$?" 0 "a dump with odd names: exit 0"
is "$(cat o.txt)" "??;lib:x?weird.so+0x20;lib:x?weird.so+0x10 64" \
	"';' becomes ':', a newline '?'; no module: ??"
is "$(wc -l <o.txt)" 1 "one line"

done_testing

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t530-html.sh - leakreport --format html (and trend's and diff's) in a
# real browser: Debian's chromium, headless.  The page must be
# self-contained (no URL but the SVG namespace, no file, no network), load
# with no console error and no Content-Security-Policy refusal (a broken
# page is checked first, to show that the check sees errors), show the
# JSON report's figures (summary cards, one entry per JSON entry with its
# bytes and blocks, the flame graph's total), escape what comes from a
# hostile dump, and give a screenshot.  Set LEAKSHIM_SHOTS=DIR to keep the
# screenshots there.  Skips when chromium is absent (make deps-test).
. "$(dirname "$0")/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROMIUM" ]; then
	echo "1..0 # SKIP chromium is not installed (make deps-test)"
	exit 0
fi

# chrome ARGS... URL: headless chromium, its log in $T/chrome.err.
chrome() {
	u=$(mktemp -d "$T/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$u" \
		--enable-logging=stderr --v=0 "$@" 2>"$T/chrome.err"
}

# console_errors: the console errors and refusals chrome logged.
console_errors() {
	grep -E 'Uncaught|ERROR:CONSOLE|:CONSOLE.*[Ee]rror|Refused to' \
		"$T/chrome.err"
}

# self_contained FILE: no URL but the SVG namespace, no src or href but
# data: ones.
self_contained() {
	! grep -o 'https\?://[^"]*' "$1" | grep -v '^http://www.w3.org/2000/svg$' |
		grep -q . &&
	! grep -Eiq '(src|href)="[^d]|@import|url\(' "$1"
}

cd "$T" || exit 1

# The check must see a script error.
printf '<!DOCTYPE html><title>x</title><script>noSuchFunction();</script>\n' \
	>broken.html
chrome --dump-dom "file://$T/broken.html" >/dev/null
console_errors >/dev/null
ok $? "the console check sees an error in a broken page"

shim_run leaky "$EX/leaky"
D=$(only_dump leaky)
"$REPORT" --format json "$D" >r.json
"$REPORT" --format html "$D" >r.html
is "$?" 0 "--format html: exit 0"
ok "$(self_contained r.html; echo $?)" \
	"self-contained: no URL, no file, no network"
chrome --dump-dom "file://$T/r.html" >dom.html
is "$?" 0 "chromium loads it"
is "$(console_errors)" "" "no console error, no refusal"
grep -q '<svg class="flamegraph"' dom.html
ok $? "the DOM holds the flame graph"

# The summary cards carry the JSON summary's keys.
grep -o 'data-summary="[a-z_]*">[0-9]*<' dom.html |
	sed 's/data-summary="\([a-z_]*\)">\([0-9]*\)</\1 \2/' >cards.txt
n=0 bad=0
while read -r key val; do
	n=$((n + 1))
	[ "$(jq ".summary.$key" r.json)" = "$val" ] ||
		{ bad=1; echo "# $key: page $val, json $(jq ".summary.$key" r.json)"; }
done <cards.txt
ok $([ $n -ge 10 ] && [ $bad -eq 0 ]; echo $?) \
	"the $n figures of the cards are the JSON summary's"
is "$(grep -o 'data-total="bytes">[0-9]*' dom.html | cut -d'>' -f2)" \
	"$(jq '.summary | .leaked_bytes + .indirect_bytes' r.json)" \
	"the Leaked card: direct + indirect bytes"
is "$(grep -o 'data-bytes="[0-9]*"' dom.html | cut -d'"' -f2 | tr '\n' ' ')" \
	"$(jq -r '[.leaks[].bytes] | join(" ")' r.json) " \
	"one entry per JSON entry, in order, with its bytes"
is "$(grep -o 'data-blocks="[0-9]*"' dom.html | cut -d'"' -f2 | tr '\n' ' ')" \
	"$(jq -r '[.leaks[].blocks] | join(" ")' r.json) " \
	"and its blocks"
is "$(grep -c '<details class="e direct' dom.html)" \
	"$(jq '[.leaks[] | select(.kind == "direct")] | length' r.json)" \
	"direct entries are marked direct"
grep -q "<title>all: $(jq '.summary | .leaked_bytes + .indirect_bytes' \
	r.json) bytes" dom.html
ok $? "the flame graph's root is the leaked bytes"
grep -q "<span class=\"l hl\"><span class=\"n\">$(line_of leaky.c \
	LEAK:aligned2)</span>" dom.html
ok $? "the first entry shows its source line"

chrome --window-size=1366,1500 --screenshot="$T/r.png" "file://$T/r.html" \
	>/dev/null
is "$(head -c 8 r.png | od -An -c | tr -d ' ')" '211PNG\r\n032\n' \
	"a screenshot is a PNG"
ok $([ "$(wc -c <r.png)" -gt 20000 ]; echo $?) "and not a blank one"
is "$(console_errors)" "" "no console error while drawing"

"$REPORT" --format html --all --top 3 "$D" >top.html
chrome --dump-dom "file://$T/top.html" >dom.html
is "$(grep -c '<details class="e ' dom.html)" 3 "--top 3: three entries"
grep -q "<title>all: $(jq .summary.live_bytes r.json) bytes" dom.html
ok $? "--all: the flame graph holds every block, --top notwithstanding"

# --- a hostile dump ---

printf '%s\n' 'leakshim-dump 1' 'P 1 0 exit 0 0 1 0' \
	'X /bin/"><img src=x onerror=alert(1)>' \
	'N <script>alert(2)</script>&amp;' 'c classified 1' \
	"m 7e0000000000 7e0000001000 7e0000000000 - /x/<b>\\x01'\"&.so" \
	's 1 2 7e0000000010 123' 'b 1 d 2 40 0' 'e 7 0' >evil.dump
"$REPORT" --format html evil.dump >evil.html 2>/dev/null
is "$?" 0 "a hostile dump: exit 0"
ok "$(grep -Eq '<script>alert|<img|<b>' evil.html; [ $? -ne 0 ]; echo $?)" \
	"nothing from it is markup"
chrome --dump-dom "file://$T/evil.html" >dom.html
is "$(grep -o '<script' dom.html | wc -l)" 1 "the page's own script only"
is "$(console_errors)" "" "no console error"
grep -q '&lt;script&gt;alert(2)&lt;/script&gt;&amp;amp;' dom.html
ok $? "its program name is text"

# --- trend ---

shim_run leaky2 "$EX/leaky"
"$REPORT" trend --format html "$D" "$(only_dump leaky2)" >t.html
is "$?" 0 "trend --format html: exit 0"
"$REPORT" trend --format json --all "$D" "$(only_dump leaky2)" >t.json
ok "$(self_contained t.html; echo $?)" "the trend page is self-contained"
chrome --dump-dom "file://$T/t.html" >dom.html
is "$(console_errors)" "" "it loads with no console error"
grep -q '<polyline' dom.html
ok $? "with the plot inline"
is "$(grep -o 'data-dumps="[0-9]*"' dom.html | cut -d'"' -f2)" \
	"$(jq .dumps t.json)" "the number of dumps is the JSON's"
"$REPORT" trend --format html --all "$D" "$(only_dump leaky2)" >ta.html
is "$(grep -c '<details><summary>' ta.html)" "$(jq '.sites | length' t.json)" \
	"--all: one row per site of the JSON trend"
chrome --window-size=1366,1300 --screenshot="$T/t.png" "file://$T/t.html" \
	>/dev/null
ok $([ "$(wc -c <t.png)" -gt 20000 ]; echo $?) "a screenshot of the trend"

# --- diff ---

# examples/soak for 1 s, then for 2 s: its steady leak and its cache grow.
for n in 1 2; do
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/soak$n.dump:summary=0" \
		"$EX/soak" $n
done
"$REPORT" diff --format html soak1.dump soak2.dump >d.html
is "$?" 0 "diff --format html: exit 0"
"$REPORT" diff --format json soak1.dump soak2.dump >d.json
ok "$(self_contained d.html; echo $?)" "the diff page is self-contained"
chrome --dump-dom "file://$T/d.html" >dom.html
is "$(console_errors)" "" "it loads with no console error"
jq -e '.sites | length > 0' d.json >/dev/null
ok $? "the diff has sites (the page has something to show)"
is "$(grep -o 'data-delta="[-0-9]*"' dom.html | cut -d'"' -f2 | tr '\n' ' ')" \
	"$(jq -r '[.sites[].delta | tostring] | join(" ")' d.json) " \
	"one row per JSON site, same changes, same order"
is "$(grep -o 'data-delta-blocks="[-0-9]*"' dom.html | cut -d'"' -f2 |
	tr '\n' ' ')" \
	"$(jq -r '[.sites[] | select(.resource == "memory") | .delta_blocks |
		tostring] | join(" ")' d.json) " "and the same block changes"
is "$(grep -o 'data-summary="[a-z]*">[-+0-9]*' dom.html | sed 's/+//' |
	tr '\n' ' ')" \
	"$(jq -r '.summary | "data-summary=\"bytes\">\(.bytes) data-summary=\"connections\">\(.connections) data-summary=\"results\">\(.results) "' d.json)" \
	"the cards: the JSON summary"
grep -q 'leak_steadily' dom.html
ok $? "the steady leak's site is named"
chrome --window-size=1366,900 --screenshot="$T/d.png" "file://$T/d.html" \
	>/dev/null
ok $([ "$(wc -c <d.png)" -gt 20000 ]; echo $?) "a screenshot of the diff"

# --- libpq ---

. "$SRC/tests/pg.sh"
if pg_start >/dev/null 2>&1; then
	trap 'pg_stop; rm -rf "$T"' EXIT
	OPTS=conn_idle=1 shim_run pool "$EX/pool_leak" 3
	P=$(ls "$T"/pool.*.dump | tail -n 1)
	"$REPORT" --format json "$P" >p.json
	"$REPORT" --format html "$P" >p.html
	chrome --dump-dom "file://$T/p.html" >dom.html
	is "$(console_errors)" "" "pool_leak's page: no console error"
	is "$(grep -o 'data-summary="open_connections">[0-9]*' dom.html |
		cut -d'>' -f2)" "$(jq .summary.open_connections p.json)" \
		"open connections as in the JSON summary"
	is "$(grep -o 'data-summary="uncleared_results">[0-9]*' dom.html |
		cut -d'>' -f2)" "$(jq .summary.uncleared_results p.json)" \
		"uncleared results as in the JSON summary"
	is "$(grep -c '<details class="e connection' dom.html)" \
		"$(jq '.connections | length' p.json)" \
		"one entry per connection entry"
	chrome --window-size=1366,1500 --screenshot="$T/p.png" \
		"file://$T/p.html" >/dev/null
else
	echo "# no PostgreSQL server: the libpq page is not checked"
fi

if [ -n "${LEAKSHIM_SHOTS:-}" ]; then
	mkdir -p "$LEAKSHIM_SHOTS" && cp "$T"/*.png "$LEAKSHIM_SHOTS"/
fi

done_testing

#!/bin/sh
# t120-cxx.sh - C++: operator new and new[] are reported at their callers,
# with demangled names; the exception and std::string churn leaves nothing.
. "$(dirname "$0")/lib.sh"

shim_run cxx "$EX/cxxleak"
is "$rc" 0 "cxxleak exits 0"
"$REPORT" --format json "$(only_dump cxx)" >"$T/r.json"
l=$(line_of cxxleak.cc LEAK:new)
is "$(site "$T/r.json" cxxleak.cc "$l")" "72 3 1" "new Item: 3 blocks, 72 bytes"
is "$(site_function "$T/r.json" cxxleak.cc "$l")" "shop::Cart::add(int)" \
	"named with its demangled C++ name"
l=$(line_of cxxleak.cc LEAK:newarr)
is "$(site "$T/r.json" cxxleak.cc "$l")" "400 1 1" "new int[100]: 400 bytes"
is "$(jq -r '[.leaks[].stack[] | select(.function != null and (.function | startswith("_Z")))] | length' "$T/r.json")" \
	0 "no mangled name anywhere"
is "$(entries_in "$T/r.json" cxxleak.cc)" 2 "no other site in cxxleak.cc"

done_testing

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t540-ci-formats.sh - leakreport --format sarif and --format junit, read
# by consumers.  SARIF: validated against a JSON schema of the parts of
# SARIF 2.1.0 that leakreport writes (written here from the standard, with
# no property left open where the standard names them all; Debian's
# python3-jsonschema checks it), and checked with jq: one result per
# direct and indirect leak of the JSON report, at its site's line, with
# its bytes, paths relative to the working directory.  JUnit: parsed by
# python3's xml.etree and by Debian's junitparser (a JUnit consumer), its
# counts those of the JSON report.  A dump not classified, and pool_leak's
# connections and results (when a PostgreSQL server can be started), too.
# Debian's own python3 is used: the one on PATH may be another.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

cat >"$T/sarif-schema.json" <<'EOF'
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "the parts of SARIF 2.1.0 leakreport writes",
  "type": "object",
  "required": ["version", "runs"],
  "additionalProperties": false,
  "properties": {
    "$schema": {"type": "string"},
    "version": {"const": "2.1.0"},
    "runs": {"type": "array", "minItems": 1,
             "items": {"$ref": "#/definitions/run"}}
  },
  "definitions": {
    "level": {"enum": ["none", "note", "warning", "error"]},
    "message": {"type": "object", "required": ["text"],
                "properties": {"text": {"type": "string"}}},
    "run": {
      "type": "object", "required": ["tool"], "additionalProperties": false,
      "properties": {
        "tool": {"$ref": "#/definitions/tool"},
        "invocations": {"type": "array",
                        "items": {"$ref": "#/definitions/invocation"}},
        "originalUriBaseIds": {"type": "object", "additionalProperties":
                               {"$ref": "#/definitions/artifactLocation"}},
        "results": {"type": "array",
                    "items": {"$ref": "#/definitions/result"}},
        "properties": {"type": "object"}
      }
    },
    "tool": {"type": "object", "required": ["driver"],
             "additionalProperties": false,
             "properties": {"driver": {"$ref": "#/definitions/component"}}},
    "component": {
      "type": "object", "required": ["name"], "additionalProperties": false,
      "properties": {
        "name": {"type": "string"}, "fullName": {"type": "string"},
        "rules": {"type": "array", "items": {"$ref": "#/definitions/rule"}}
      }
    },
    "rule": {
      "type": "object", "required": ["id"], "additionalProperties": false,
      "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "shortDescription": {"$ref": "#/definitions/message"},
        "fullDescription": {"$ref": "#/definitions/message"},
        "help": {"$ref": "#/definitions/message"},
        "defaultConfiguration": {
          "type": "object", "additionalProperties": false,
          "properties": {"level": {"$ref": "#/definitions/level"}}}
      }
    },
    "invocation": {
      "type": "object", "required": ["executionSuccessful"],
      "additionalProperties": false,
      "properties": {
        "executionSuccessful": {"type": "boolean"},
        "toolExecutionNotifications": {"type": "array", "items": {
          "type": "object", "required": ["message"],
          "additionalProperties": false,
          "properties": {"level": {"$ref": "#/definitions/level"},
                         "message": {"$ref": "#/definitions/message"}}}}
      }
    },
    "result": {
      "type": "object", "required": ["message"],
      "additionalProperties": false,
      "properties": {
        "ruleId": {"type": "string"},
        "ruleIndex": {"type": "integer", "minimum": -1},
        "level": {"$ref": "#/definitions/level"},
        "message": {"$ref": "#/definitions/message"},
        "locations": {"type": "array",
                      "items": {"$ref": "#/definitions/location"}},
        "stacks": {"type": "array", "items": {"$ref": "#/definitions/stack"}},
        "partialFingerprints": {"type": "object",
                                "additionalProperties": {"type": "string"}},
        "properties": {"type": "object"}
      }
    },
    "location": {
      "type": "object", "additionalProperties": false,
      "properties": {
        "physicalLocation": {"$ref": "#/definitions/physicalLocation"},
        "logicalLocations": {"type": "array", "items": {
          "type": "object", "additionalProperties": false,
          "properties": {"fullyQualifiedName": {"type": "string"},
                         "kind": {"type": "string"}}}},
        "message": {"$ref": "#/definitions/message"}
      }
    },
    "physicalLocation": {
      "type": "object", "required": ["artifactLocation"],
      "additionalProperties": false,
      "properties": {
        "artifactLocation": {"$ref": "#/definitions/artifactLocation"},
        "region": {"type": "object", "additionalProperties": false,
                   "properties": {"startLine": {"type": "integer",
                                                "minimum": 1}}}
      }
    },
    "artifactLocation": {
      "type": "object", "required": ["uri"], "additionalProperties": false,
      "properties": {"uri": {"type": "string", "pattern": "^[!#-;=?-~]+$"},
                     "uriBaseId": {"type": "string"}}
    },
    "stack": {
      "type": "object", "required": ["frames"], "additionalProperties": false,
      "properties": {"message": {"$ref": "#/definitions/message"},
                     "frames": {"type": "array",
                                "items": {"$ref": "#/definitions/frame"}}}
    },
    "frame": {
      "type": "object", "additionalProperties": false,
      "properties": {"location": {"$ref": "#/definitions/location"},
                     "module": {"type": "string"},
                     "properties": {"type": "object"}}
    }
  }
}
EOF

# valid FILE: FILE follows the schema (true when jsonschema is missing).
schema=no
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	schema=yes
	valid() {
		"$PY" -c 'import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
errors = list(jsonschema.Draft7Validator(schema).iter_errors(
	json.load(open(sys.argv[2]))))
for e in errors[:5]:
	print("#", list(e.absolute_path), e.message)
sys.exit(1 if errors else 0)' "$T/sarif-schema.json" "$1"
	}
else
	echo "# python3-jsonschema is missing: the schema is not checked"
	valid() {
		jq -e '.version == "2.1.0"' "$1" >/dev/null
	}
fi

# junit FILE: "tests failures skipped cases failed skipped", the counts
# the suite says and those of its elements, parsed by xml.etree.
junit() {
	"$PY" -c 'import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
s = root.find("testsuite")
cases = s.findall("testcase")
names = [c.get("name") for c in cases]
assert len(set(names)) == len(names), "names repeat"
print(s.get("tests"), s.get("failures"), s.get("skipped"), len(cases),
      sum(1 for c in cases if c.find("failure") is not None),
      sum(1 for c in cases if c.find("skipped") is not None))' "$1"
}

# junitparser FILE: "cases failures skipped" as junitparser counts them.
junitparser() {
	"$PY" -c 'import sys
from junitparser import JUnitXml, Failure, Skipped
cases = [c for suite in JUnitXml.fromfile(sys.argv[1]) for c in suite]
res = [r for c in cases for r in (c.result if isinstance(c.result, list)
				      else [c.result] if c.result else [])]
print(len(cases), sum(isinstance(r, Failure) for r in res),
      sum(isinstance(r, Skipped) for r in res))' "$1"
}

# The JSON report's direct and indirect leaks: "line bytes" of their site
# (the first frame outside libc, the loader, the C++ runtime and libpq).
json_sites() {
	jq -r '.leaks[] | select(.kind == "direct" or .kind == "indirect")
		| "\([.stack[] | select((.module // "") |
			test("/(libc\\.so|ld-linux|libstdc|libgcc_s|libpq)")
			| not)][0].line) \(.bytes)"' "$1" | sort
}

cd "$T" || exit 1
shim_run leaky "$EX/leaky"
D=$(only_dump leaky)
"$REPORT" --format json --all "$D" >r.json

# --- SARIF ---

(cd "$SRC" && "$REPORT" --format sarif --all "$D") >r.sarif
is "$?" 0 "--format sarif: exit 0"
ok "$(valid r.sarif; echo $?)" "it follows the SARIF 2.1.0 schema"
if [ "$schema" = yes ]; then
	jq '.runs[0].results[0].locaton = .runs[0].results[0].locations' \
		r.sarif >bad.sarif
	ok "$(valid bad.sarif >/dev/null; [ $? -ne 0 ]; echo $?)" \
		"and the check sees a misspelt key"
fi
jq -e '.runs[0].tool.driver | .name == "leakshim" and
	([.rules[].id] == ["leakshim/direct-leak", "leakshim/indirect-leak",
		"leakshim/leaked-connection", "leakshim/uncleared-result",
		"leakshim/unfreed-cancel"])' r.sarif >/dev/null
ok $? "the tool leakshim and its five rules"
is "$(jq '.runs[0].results | length' r.sarif)" \
	"$(jq '[.leaks[] | select(.kind == "direct" or .kind == "indirect")]
		| length' r.json)" \
	"one result per direct and indirect leak (reachable ones are none)"
jq -e '.runs[0] as $r | all($r.results[];
	$r.tool.driver.rules[.ruleIndex].id == .ruleId)' r.sarif >/dev/null
ok $? "every ruleIndex points at its ruleId"
is "$(jq '[.runs[0].results[] | select(.ruleId == "leakshim/direct-leak")
	| select(.level == "error")] | length' r.sarif)" \
	"$(jq '[.leaks[] | select(.kind == "direct")] | length' r.json)" \
	"direct leaks are errors"
is "$(jq -r '.runs[0].results[] | "\(.locations[0].physicalLocation.region.startLine) \(.properties.bytes)"' r.sarif | sort)" \
	"$(json_sites r.json)" \
	"each at its site's line, with its bytes"
is "$(jq -r '[.runs[0].results[].locations[0].physicalLocation.artifactLocation
	| "\(.uriBaseId) \(.uri)"] | unique | .[]' r.sarif)" \
	"SRCROOT examples/leaky.c" "paths relative to the working directory"
is "$(jq -r '.runs[0].originalUriBaseIds.SRCROOT.uri' r.sarif)" \
	"file://$SRC/" "SRCROOT is the working directory"
l=$(line_of leaky.c LEAK:malloc)
jq -e --argjson l "$l" '[.runs[0].results[] | select(.locations[0]
	.physicalLocation.region.startLine == $l)][0] |
	(.message.text | startswith("Direct leak of 100 bytes in 1 block at leak_malloc")) and
	.locations[0].logicalLocations[0].fullyQualifiedName == "leak_malloc" and
	(.stacks[0].frames[1].location.logicalLocations[0].fullyQualifiedName
		== "main")' r.sarif >/dev/null
ok $? "its message, function and stack"
is "$(jq '[.runs[0].results[].partialFingerprints["leakshimSite/v1"]]
	| (length == (unique | length))' r.sarif)" true \
	"fingerprints tell the results apart"
"$REPORT" --format sarif "$D" >abs.sarif
is "$(jq -r '.runs[0].results[0].locations[0].physicalLocation
	.artifactLocation.uri' abs.sarif)" "file://$SRC/examples/leaky.c" \
	"outside the working directory: a file URI"

# --- JUnit ---

"$REPORT" --format junit --all "$D" >r.xml
is "$?" 0 "--format junit: exit 0"
n=$(jq '.leaks | length' r.json)
f=$(jq '[.leaks[] | select(.kind == "direct" or .kind == "indirect")]
	| length' r.json)
is "$(junit r.xml)" "$((n + 1)) $((f + 1)) 0 $((n + 1)) $((f + 1)) 0" \
	"xml.etree: the leak check and one case per entry; leaks fail"
if "$PY" -c 'import junitparser' 2>/dev/null; then
	is "$(junitparser r.xml)" "$((n + 1)) $((f + 1)) 0" \
		"junitparser reads the same"
else
	echo "# python3-junitparser is missing: not read by it"
fi
grep -q "name=\"direct leak at leak_malloc (.*leaky.c:$l)\"" r.xml
ok $? "a case is named after its site"
"$PY" -c 'import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for c in root.iter("testcase"):
	if c.get("name").startswith("direct leak at leak_malloc"):
		t = c.find("failure").text
		sys.exit(0 if "#1 " in t and "in main " in t else 1)
sys.exit(1)' r.xml
ok $? "its failure holds the stack"
grep -q '<testcase classname="leakshim.leaky" name="reachable blocks at keep_global' r.xml &&
	! grep -A1 'name="reachable blocks' r.xml | grep -q '<failure'
ok $? "reachable blocks pass"

# --- a dump that was not classified ---

sed -e 's/^\(b [0-9a-f]* \)[dir] /\1l /' \
	-e 's/^\(a [0-9a-f]* \)[dir] /\1l /' \
	-e 's/^c classified 1$/c classified 0/' "$D" >live.dump
"$REPORT" --format sarif live.dump >live.sarif
ok "$(valid live.sarif; echo $?)" "not classified: valid SARIF"
jq -e '(.runs[0].results | length) == 0 and
	(.runs[0].invocations[0].toolExecutionNotifications[0].message.text
	 | test("not classified"))' live.sarif >/dev/null
ok $? "with no result, and a notification that says why"
"$REPORT" --format junit live.dump >live.xml
nl=$("$REPORT" --format json live.dump | jq '.leaks | length')
is "$(junit live.xml)" "$((nl + 1)) 0 $nl $((nl + 1)) 0 $nl" \
	"not classified: live blocks are skipped, nothing fails"

# --- libpq ---

. "$SRC/tests/pg.sh"
if pg_start >/dev/null 2>&1; then
	trap 'pg_stop; rm -rf "$T"' EXIT
	OPTS=conn_idle=1 shim_run pool "$EX/pool_leak" 3
	P=$(ls "$T"/pool.*.dump | tail -n 1)
	"$REPORT" --format json "$P" >p.json
	"$REPORT" --format sarif "$P" >p.sarif
	ok "$(valid p.sarif; echo $?)" "pool_leak: valid SARIF"
	is "$(jq '[.runs[0].results[] | select(.ruleId ==
		"leakshim/leaked-connection")] | length' p.sarif)" \
		"$(jq '.connections | length' p.json)" \
		"at exit, every connection entry is a leaked-connection result"
	is "$(jq '[.runs[0].results[] | select(.ruleId ==
		"leakshim/uncleared-result") | .properties.count] | add' p.sarif)" \
		"$(jq .summary.uncleared_results p.json)" \
		"and the uncleared results are counted"
	"$REPORT" --format junit "$P" >p.xml
	set -- $(junit p.xml)
	np=$(jq '(.leaks | length) + (.connections | length) +
		(.results | length) + (.cancels | length) + 1' p.json)
	is "$1 $4" "$np $np" "pool_leak: a case per entry of every list"
	grep -A1 '<testcase classname="leakshim.pool_leak" name="connections opened at pool_checkout' p.xml |
		grep -q '<failure message="[0-9]* connections never finished" type="leaked-connection">'
	ok $? "its connections fail"
else
	echo "# no PostgreSQL server: libpq results are not checked"
fi

done_testing

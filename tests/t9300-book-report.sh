#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='mlfs book renders the resolved commands of every ABI and layout; mlfs report draws a real build'
. "$(dirname "$0")/lib.sh"

cp -R "$TOP/tests/fixtures/recipes" recipes
ml() { "$MLFS" --state="$TRASH/st" "$@"; }
OPTS=(--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" --root "$TRASH/root")

# section FILE ID: the text of the element with that id (tags removed, entities decoded)
section() {
	python3 - "$1" "$2" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.depth = 0; self.out = []
    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == sys.argv[2]:
            self.depth += 1
    def handle_endtag(self, tag):
        if self.depth: self.depth -= 1
    def handle_data(self, d):
        if self.depth: self.out.append(d)
p = P(); p.feed(open(sys.argv[1]).read()); print("".join(p.out))
PY
}

# wellformed FILE...: every element closed in order, one DOCTYPE, a title;
# and no error or warning from HTML Tidy (scripts/deps.sh installs it)
wellformed() {
	local f
	if command -v tidy >/dev/null; then
		for f; do
			tidy -errors -quiet "$f" || { echo "tidy: $f"; return 1; }
		done
	fi
	python3 - "$@" <<'PY'
import html.parser, sys
VOID = {"meta", "link", "br", "hr", "img", "input", "rect", "line", "path", "text"}
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.doctype = 0
    def handle_decl(self, d): self.doctype += d.lower() == "doctype html"
    def handle_starttag(self, tag, a):
        if tag not in VOID: self.stack.append(tag)
    def handle_startendtag(self, tag, a): pass
    def handle_endtag(self, tag):
        if tag in VOID and (not self.stack or self.stack[-1] != tag): return
        assert self.stack and self.stack[-1] == tag, (f, tag, self.stack[-3:])
        self.stack.pop()
for f in sys.argv[1:]:
    p = P(); s = open(f).read(); p.feed(s); p.close()
    assert p.doctype == 1 and not p.stack and "<title>" in s, (f, p.stack)
PY
}

test_expect_success 'a fixture build for 32, 64 and x32 leaves a trace' '
	ml build --abi 32,64,x32 "${OPTS[@]}" -j 2 2>build.err &&
	grep -q "6 of 6 node(s) built" build.err &&
	test "$(grep -c "^{\"ev\":\"build\"" st/trace.jsonl)" -eq 1 &&
	grep -q "^{\"ev\":\"end\",.*\"rc\":0" st/trace.jsonl
'

test_expect_success 'report --json: every node and step of the journal, with its times' '
	ml report --json -o report.json &&
	ml plan --json --abi 32,64,x32 "${OPTS[@]}" >plan.json &&
	python3 - <<-"PY"
	import json
	rep = json.load(open("report.json"))["builds"][-1]
	plan = [n["name"] for n in json.load(open("plan.json"))["nodes"]]
	nodes = {n["node"]: n for n in rep["nodes"]}
	assert sorted(nodes) == sorted(plan), (sorted(nodes), plan)
	journal = [json.loads(l) for l in open("st/journal.jsonl").read().splitlines()[1:]]
	for e in journal:
	    n = nodes[e["node"]]
	    if e["ev"] == "step":
	        got = [s for s in n["steps"] if s["step"] == e["step"]]
	        assert len(got) == 1, (e, n["steps"])
	        assert abs(got[0]["secs"] - e["secs"]) < 0.002, (e, got)
	    if e["ev"] == "merged":
	        assert n["status"] == "merged"
	        assert abs(n["secs"] - e["secs"]) < 0.01, (e, n["secs"])
	for n in nodes.values():
	    names = [s["step"] for s in n["steps"]]
	    assert names[0] == "unpack" and names[-1] == "merge", names
	    for a, b in zip(n["steps"], n["steps"][1:]):
	        assert a["start"] <= a["end"] <= b["start"] + 1e-6, (a, b)
	    assert n["start"] >= 0 and n["end"] <= rep["makespan"] + 1e-6
	    for d in n["deps"]:
	        assert nodes[d]["end"] <= n["start"] + 1e-6, (d, n["node"])
	crit = [n for n in nodes.values() if n["critical"]]
	assert crit and rep["critical_path"] <= rep["makespan"] + 1e-6
	assert abs(sum(n["secs"] for n in crit) - rep["critical_path"]) < 1e-6
	assert rep["lower_bound"] >= rep["critical_path"] and rep["cpu"] > 0
	assert rep["jobs"] == 2 and rep["eta_start"] > 0 and rep["tokens"]
	assert all(0 <= used <= 2 for t, used in rep["tokens"]), rep["tokens"]
	PY
'

test_expect_success 'report: one self-contained page with a timeline of every node' '
	ml report -o report.html &&
	wellformed report.html &&
	grep -q "<svg" report.html &&
	! grep -q "<script" report.html &&
	! grep -Eq "(src|href)=\"(http|/)" report.html &&
	for n in libdemo:32 libdemo:64 libdemo:x32 demoprog:32 demoprog:64 demoprog:x32; do
		grep -q "<title>$n configure\|<title>$n build" report.html || { echo "no bar of $n"; exit 1; }
	done
'

test_expect_success 'the live line shows the time left, from the last timings' '
	TERM=xterm script -qfec "$MLFS --state=$TRASH/st rebuild libdemo:64 --dependents" tty.out >/dev/null &&
	grep -a -q "running: .*; ~[0-9]*:[0-5][0-9] left" tty.out
'

test_expect_success 'a failed node is marked in the report; --all keeps both builds' '
	sed -i "s/^build() {/build() {\n\tfalse/" recipes/demoprog/build.sh &&
	test_must_fail ml build --abi 32,64,x32 "${OPTS[@]}" -j 2 2>fail.err &&
	ml report --json >last.json &&
	python3 -c "import json; b = json.load(open(\"last.json\"))[\"builds\"]; assert len(b) == 1; st = {n[\"node\"]: (n[\"status\"], n.get(\"at\")) for n in b[0][\"nodes\"]}; assert (\"failed\", \"build\") in st.values(), st" &&
	ml report --all --json >all.json &&
	python3 -c "import json; b = json.load(open(\"all.json\"))[\"builds\"]; assert len(b) == 3 and b[2][\"rc\"] == 1 and b[1][\"rc\"] == 0" &&
	ml report -o fail.html && grep -q "✗ failed" fail.html
'

# the fixture's steps, as the book shows them for ABI abi in layout
for layout in lfs:/usr/lib:/usr/lib32:/usr/libx32 lib64:/usr/lib64:/usr/lib:/usr/libx32 \
	multiarch:/usr/lib/x86_64-linux-gnu:/usr/lib/i386-linux-gnu:/usr/lib/x86_64-linux-gnux32; do
	IFS=: read -r name d64 d32 dx32 <<<"$layout"
	test_expect_success "book: the resolved commands of each ABI, layout $name" '
		ml book -o "book-$name" --abi 32,64,x32 --layout "$name" "${OPTS[@]}" &&
		wellformed "book-$name"/*.html &&
		for a in 64:$d64:gcc 32:$d32:i686-pc-linux-gnu x32:$dx32:x86_64-pc-linux-gnux32; do
			IFS=: read -r abi dir host <<<"$a"
			section "book-$name/libdemo.html" "abi-$abi" >"s-$abi" &&
			grep -qF "make CC=\"gcc -m${abi/64/64}\"" "s-$abi" &&
			grep -qF "s|@LIBDIR@|$dir|" "s-$abi" &&
			grep -qF "make DESTDIR=\"\$DESTDIR\" LIBDIR=\"$dir\" install" "s-$abi" &&
			grep -qF "export PKG_CONFIG_LIBDIR=\"$TRASH/root$dir/pkgconfig" "s-$abi" &&
			! grep -qF "\$LIBDIR" "s-$abi" || { echo "ABI $abi ($host):"; cat "s-$abi"; exit 1; }
		done
	'
done

test_expect_success 'book: the pages show the times of the last build' '
	section book-lfs/libdemo.html abi-32 | grep -Eq "Last build: [0-9.]+ s"
'

test_expect_success 'book: the whole project book, the gmp page resolved for each ABI' '
	"$MLFS" --state="$TRASH/st2" book -o proj --abi 32,64,x32 --lfs "$TRASH/lfs" \
		--recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" 2>proj.err &&
	n=$(find "$TOP/recipes" -name recipe.json | wc -l) &&
	test "$(find proj -name "*.html" | wc -l)" -eq $((n + 1 + $(find "$TOP/book" -name "*.md" -o -name "*.html" | wc -l))) &&
	wellformed proj/*.html &&
	section proj/gmp.html abi-32 | grep -qF -- "--host=\"i686-pc-linux-gnu\" --build=\"x86_64-pc-linux-gnu\"" &&
	section proj/gmp.html abi-32 | grep -qF "ABI=\"32\" ./configure --prefix=/usr --libdir=\"/usr/lib32\"" &&
	section proj/gmp.html abi-x32 | grep -qF "ABI=\"x32\" ./configure --prefix=/usr --libdir=\"/usr/libx32\"" &&
	grep -q "href=\"02-layouts.html\"" proj/index.html &&
	grep -q "href=\"gmp.html\"" proj/index.html
'

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	test_skip 'a browser renders the book and the report' 'no chromium (scripts/deps.sh installs it)'
else
	test_expect_success 'a browser renders the book and the report; the commands are in the DOM' '
		export HOME="$TRASH/home" &&
		mkdir -p "$HOME" &&
		chrome() { timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
			--hide-scrollbars --window-size=1100,1400 "$@" 2>>chrome.err; } &&
		for p in proj/index.html proj/gmp.html book-lfs/libdemo.html report.html; do
			png=shot-$(echo "$p" | tr / -).png &&
			chrome --screenshot="$TRASH/$png" "file://$TRASH/$p" &&
			test "$(head -c 8 "$png" | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
			test "$(stat -c %s "$png")" -gt 20000 || { echo "no screenshot of $p"; exit 1; }
		done &&
		chrome --dump-dom "file://$TRASH/proj/gmp.html" >gmp.dom &&
		grep -qF "ABI=\"32\" ./configure --prefix=/usr --libdir=\"/usr/lib32\"" gmp.dom &&
		grep -qF -- "--host=\"i686-pc-linux-gnu\"" gmp.dom &&
		chrome --dump-dom "file://$TRASH/book-lfs/libdemo.html" >libdemo.dom &&
		grep -qF "s|@LIBDIR@|/usr/libx32|" libdemo.dom &&
		chrome --dump-dom "file://$TRASH/report.html" >report.dom &&
		grep -q "<rect" report.dom &&
		if [ -n "${BOOK_SHOTS:-}" ]; then mkdir -p "$BOOK_SHOTS" && cp shot-*.png "$BOOK_SHOTS/"; fi
	'
fi

test_done

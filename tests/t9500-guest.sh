#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='the QEMU guest: a small root booted with mlfs guest --root; a guest step killed with mlfs'
. "$(dirname "$0")/lib.sh"

ml() { "$MLFS" --state="$TRASH/st" "$@"; }

# qemu processes whose command line names this test's directory
guests() {
	pgrep -f "qemu-system-x86_64 .*$TRASH" || true
}

if ! command -v qemu-system-x86_64 >/dev/null || [ ! -s "${MLFS_GUEST_DIR:-/var/lib/mlfs/guest}/id" ]; then
	test_skip 'every guest test' "no qemu-system-x86_64 or no guest kernel (scripts/guest.sh)"
	test_done
	exit 0
fi

test_expect_success 'a finished root boots as the guest root: its x32 program runs, writes, gives its status' '
	mkdir -p small/bin small/usr/bin small/etc &&
	cp "${MLFS_GUEST_DIR:-/var/lib/mlfs/guest}/busybox" small/bin/busybox &&
	ln -s busybox small/bin/sh && ln -s ../../bin/busybox small/usr/bin/env &&
	printf "#include <stdio.h>\nint main(void) { FILE *f = fopen(\"/etc/mark\", \"w\");\n" >h.c &&
	printf "printf(\"x32 long %%d\\\\n\", (int)sizeof(long)); return f && fputs(\"m\", f) >= 0 && !fclose(f) ? 4 : 1; }\n" >>h.c &&
	gcc -mx32 -static h.c -o small/bin/hello &&
	test_expect_code 4 ml guest --root "$TRASH/small" -- /bin/hello >out &&
	grep -q "^x32 long 4$" out &&
	test -f small/etc/mark &&
	test -z "$(guests)"
'

test_expect_success '--ro-root, --bind and --ro-bind: the root read-only, host dirs at other paths' '
	rm -f small/etc/mark &&
	mkdir -p rw ro && echo given >ro/f &&
	ml guest --ro-root "$TRASH/small" --bind "$TRASH/rw=/run/x/rw" --ro-bind "$TRASH/ro=/run/x/ro" \
		-- /bin/sh -c "cat /run/x/ro/f; echo w >/run/x/rw/f && echo rw-ok;
			echo w >/run/x/ro/g || echo ro-refused; /bin/hello || echo root-refused \$?" >out 2>&1 &&
	cat out &&
	grep -qx given out && grep -qx rw-ok out && grep -qx ro-refused out && grep -qx "root-refused 1" out &&
	test "$(cat rw/f)" = w && test ! -e ro/g && test ! -e small/etc/mark &&
	test_expect_code 2 ml guest --bind "$TRASH/rw" -- /bin/true 2>err &&
	grep -q "take DIR=PATH" err
'

test_expect_success 'a root without the command: its status, not a hang' '
	test_expect_code 127 ml guest --root "$TRASH/small" -- /bin/nonexistent >out 2>&1
'

test_expect_success 'usage errors' '
	test_expect_code 2 ml guest --root "$TRASH/nonexistent" -- /bin/hello 2>err &&
	grep -q "no root" err &&
	test_expect_code 2 ml guest 2>err &&
	grep -q "no command" err
'

# an x32 node whose check step runs in the guest for a long time
mkdir -p recipes/long/src
printf '{"name": "long", "version": "1", "stage": "system", "abis": ["x32"],\n "sources": [{"path": "src"}]}\n' >recipes/long/recipe.json
printf 'data\n' >recipes/long/src/data
cat >recipes/long/build.sh <<'SH'
# shellcheck shell=bash
check() {
	echo "long: the check step runs"
	sleep 600
}
install() {
	mkdir -p "$DESTDIR/usr/share/long"
	cp data "$DESTDIR/usr/share/long/"
}
SH
OPTS=(--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" --abi x32 --root "$TRASH/root")

# start a build, wait until the guest step runs; sets pid
startlong() {
	rm -f "$1" st/logs/long/x32.log
	ml clean long >/dev/null 2>&1
	{ "$MLFS" --state="$TRASH/st" build "${OPTS[@]}" 2>"$1" & } &&
	pid=$! &&
	for _ in $(seq 600); do grep -q "the check step runs" st/logs/long/x32.log 2>/dev/null && break; sleep 0.5; done &&
	grep -q "the check step runs" st/logs/long/x32.log &&
	test -n "$(guests)"
}

test_expect_success 'SIGTERM to mlfs during a guest step takes the guest down with the node' '
	startlong term.err &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test "$rc" -eq 143 &&
	for _ in $(seq 50); do test -z "$(guests)" && break; sleep 0.2; done &&
	test -z "$(guests)" &&
	grep -q "step .check. runs in a QEMU guest" st/logs/long/x32.log
'

# (the body runs under set -e: the status 137 of wait must not end it)
test_expect_success 'kill -9 of mlfs during a guest step leaves no qemu behind' '
	startlong kill.err &&
	kill -9 $pid &&
	{ wait $pid 2>/dev/null || true; } && for _ in $(seq 50); do test -z "$(guests)" && break; sleep 0.2; done &&
	test -z "$(guests)"
'

test_expect_success 'a guest step that runs past MLFS_GUEST_TIMEOUT fails, naming the node' '
	ml clean long >/dev/null 2>&1 &&
	test_expect_code 1 env MLFS_GUEST_TIMEOUT=1 "$MLFS" --state="$TRASH/st" build "${OPTS[@]}" 2>to.err &&
	grep -q "long:x32. failed at step .check." to.err &&
	grep -q "long:x32.: the guest (.*) ran past the timeout of 1 s" st/logs/long/x32.log &&
	test -z "$(guests)"
'

test_done

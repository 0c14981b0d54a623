#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='progress: a live line on a terminal, plain lines otherwise, --quiet, NO_COLOR'
. "$(dirname "$0")/lib.sh"

mkdir -p r/nap
printf '{"name": "nap", "version": "1", "stage": "system", "abis": "all"}\n' >r/nap/recipe.json
printf '# shellcheck shell=bash\nbuild() { sleep 2.5; }\ninstall() { mkdir -p "$DESTDIR$LIBDIR"; echo "$MLFS_ABI" >"$DESTDIR$LIBDIR/nap"; }\n' >r/nap/build.sh
OPTS="--recipes $TRASH/r --profiles $TOP/abi-profiles --abi 32,64,x32 -j 3"
PORT=$((20000 + RANDOM % 20000))
mkdir -p www
busybox httpd -f -p "127.0.0.1:$PORT" -h "$TRASH/www" &
HTTPD=$!
trap 'kill $HTTPD 2>/dev/null; test_cleanup' EXIT

test_expect_success 'on a terminal: one live line redrawn in place, with the running nodes' '
	TERM=xterm script -qfec "$MLFS --state=$TRASH/st1 build $OPTS --root $TRASH/root1" tty.out >/dev/null &&
	grep -q "$(printf "\r\033\\[K")" tty.out &&
	grep -a -q "\\[0/3\\] 3 running: nap:64 build 0:0[12]" tty.out &&
	grep -a -q "$(printf "\033\\[1m")" tty.out &&
	grep -a -q "built nap:32 ([23]\.[0-9] s)" tty.out
'

test_expect_success 'NO_COLOR keeps the live line but drops the colour' '
	NO_COLOR=1 TERM=xterm script -qfec "$MLFS --state=$TRASH/st2 build $OPTS --root $TRASH/root2" tty2.out >/dev/null &&
	grep -a -q "3 running" tty2.out &&
	! grep -a -q "$(printf "\033\\[1m")" tty2.out
'

test_expect_success 'not on a terminal: plain lines, one per event' '
	"$MLFS" --state="$TRASH/st3" build $OPTS --root "$TRASH/root3" 2>plain.err &&
	! grep -q "$(printf "\r")" plain.err &&
	grep -q "^mlfs: \\[0/3\\] nap:32: build$" plain.err &&
	grep -q "^mlfs: \\[3/3\\] nap:.*: merged" plain.err
'

test_expect_success '--quiet prints nothing on success' '
	"$MLFS" --state="$TRASH/st4" build $OPTS --root "$TRASH/root4" -q 2>quiet.err &&
	test ! -s quiet.err
'

test_expect_success 'downloads show their progress on the live line' '
	mkdir -p www r2/big &&
	head -c 20000000 /dev/urandom >www/big.bin &&
	tar -C www -cf www/big-1.tar big.bin &&
	printf "{\"name\":\"big\",\"version\":\"1\",\"stage\":\"system\",\"sources\":[{\"url\":\"http://127.0.0.1:%s/big-1.tar\",\"sha256\":\"%s\"}]}\n" \
		"$PORT" "$(sha256sum www/big-1.tar | cut -d" " -f1)" >r2/big/recipe.json &&
	echo "install() { :; }" >r2/big/build.sh &&
	TERM=xterm script -qfec "$MLFS --state=$TRASH/st5 fetch --recipes $TRASH/r2 --profiles $TOP/abi-profiles --root $TRASH/root5 --abi 64" fetch.out >/dev/null &&
	grep -a -q "fetching big-1.tar: 100% of 19.1 MiB" fetch.out &&
	test "$(grep -a -o "fetching big-1.tar: 100%" fetch.out | wc -l)" -eq 1
'

test_done

#!/usr/bin/env bash
# shellcheck disable=SC2016  # test bodies are single-quoted on purpose
# shellcheck disable=SC2034  # read by the harness
test_description='the jobserver through mlfs build: -j N bounds every make of every node (pipe and fifo), a leaked token is refilled, mlfs joins a calling make'
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Every node's build step runs a real make on jobs.mk, whose targets are
# jobrec runs: each appends "START STOP WEIGHT" (monotonic ns) to a record
# file outside the root. The most records alive at once is the concurrency
# the pool allowed; it must be N, never more (so the test fails both ways).

N=3
ml() { "$MLFS" --state="$TRASH/st.$1" "${@:2}"; }
OPTS=(--abi 64 --profiles "$TOP/abi-profiles")

# max_overlap FILE...: the most weight that ran at once in jobrec records
max_overlap() {
	cat "$@" | awk '{ print $1, $3; print $2, -$3 }' | sort -k1,1n -k2,2n |
	awk '{ c += $2; if (c > m) m = c } END { print m + 0 }'
}

# jobs.mk: 8 targets of 150 ms each, recorded in $(REC)
{
	printf 'T = t0 t1 t2 t3 t4 t5 t6 t7\nall: $(T)\n$(T):\n'
	printf '\t@%s $(REC) 150\n.PHONY: all $(T)\n' "$HELPERS/jobrec"
} >jobs.mk

# recipe SET NAME REC [DEP]: a recipe whose build step makes jobs.mk into REC
# and whose install step stages one file. Make 4.3 rejects
# --jobserver-auth=fifo: (t3100), so under a fifo pool and an older make the
# step opens the same fifo at fds 3 and 4 and gives make the R,W form: the
# same pool, still a real make.
recipe() {
	mkdir -p "$1/$2" &&
	printf '{"name": "%s", "version": "1", "description": "jobs", "stage": "system",\n "depends": [%s]}\n' \
		"$2" "${4:+\"$4\"}" >"$1/$2/recipe.json" &&
	sed -e "s|@MK@|$TRASH/jobs.mk|" -e "s|@REC@|$3|" >"$1/$2/build.sh" <<-'EOF'
	# shellcheck shell=bash
	# make_knows_fifo: the make on PATH is 4.4 or later
	make_knows_fifo() {
		local v
		v=$(make --version)
		v=${v%%$'\n'*}
		case ${v##* } in 3.* | 4.[0-3] | 4.[0-3].*) return 1 ;; esac
	}

	build() {
		local f
		echo "step MAKEFLAGS=$MAKEFLAGS"
		case $MAKEFLAGS in
		*--jobserver-auth=fifo:*)
			if ! make_knows_fifo; then
				f=${MAKEFLAGS##*--jobserver-auth=fifo:}
				f=${f%% *}
				exec 3<>"$f" 4<>"$f"
				MAKEFLAGS="${MAKEFLAGS%%--jobserver-auth=*}--jobserver-auth=3,4" make -f @MK@ REC=@REC@
				return
			fi
			;;
		esac
		make -f @MK@ REC=@REC@
	}

	install() {
		mkdir -p "$DESTDIR/usr/share/jobs"
		echo "$MLFS_ABI" >"$DESTDIR/usr/share/jobs/${MLFS_RECIPE##*/}"
	}
	EOF
}

# thief SET: a recipe whose step takes a token and dies by SIGKILL holding it
thief() {
	mkdir -p "$1/thief" &&
	printf '{"name": "thief", "version": "1", "description": "leaks a token", "stage": "system"}\n' \
		>"$1/thief/recipe.json" &&
	printf '# shellcheck shell=bash\nbuild() {\n\t"%s" "%s" || echo "tokthief: $?"\n}\n' \
		"$HELPERS/tokthief" "$TRASH/took.$1" >"$1/thief/build.sh" &&
	printf 'install() {\n\tmkdir -p "$DESTDIR/usr/share/jobs"\n\ttouch "$DESTDIR/usr/share/jobs/thief"\n}\n' \
		>>"$1/thief/build.sh"
}

# wide SET: six independent nodes, 48 jobs recorded in SET.rec
wide() {
	for p in a b c d e f; do recipe "$1" "$p" "$TRASH/$1.rec" || return 1; done
}

# leaky SET: thief, then three nodes that depend on it (records in SET.rec)
leaky() {
	thief "$1" &&
	for p in a b c; do recipe "$1" "$p" "$TRASH/$1.rec" thief || return 1; done
}

test_expect_success 'helpers are built and the generated recipes are valid bash' '
	test -x "$HELPERS/jobrec" && test -x "$HELPERS/tokthief" &&
	wide check && leaky check &&
	for f in check/*/build.sh; do bash -n "$f" || exit 1; done &&
	if command -v shellcheck >/dev/null; then shellcheck -s bash check/*/build.sh; fi
'

for mode in pipe fifo; do
	if [ $mode = pipe ]; then auth='--jobserver-fds=3,4 --jobserver-auth=3,4'; else auth='--jobserver-auth=fifo:'; fi

	test_expect_success "$mode: -j $N over six nodes of make runs exactly $N jobs at once" '
		wide w$mode &&
		ml w$mode build "${OPTS[@]}" --recipes "$TRASH/w$mode" --root "$TRASH/root.w$mode" \
			-j $N --jobserver $mode 2>w$mode.err &&
		grep_q "6 of 6 node(s) built" w$mode.err &&
		grep_q "^step MAKEFLAGS= -j$N $auth" st.w$mode/logs/a/64.log &&
		! grep -q "jobserver:" w$mode.err &&
		test "$(wc -l <w$mode.rec)" -eq 48 &&
		m=$(max_overlap w$mode.rec) && echo "max overlap $m" &&
		test "$m" -eq $N
	'

	if [ $mode = fifo ]; then
		test_expect_success 'fifo: the fifo lived in the state dir and is gone after the build' '
			grep_q "fifo:$TRASH/st.wfifo/" st.wfifo/logs/a/64.log &&
			! test -e st.wfifo/jobserver
		'
	fi

	test_expect_success "$mode: a token leaked by a killed client is refilled, and later nodes still run $N jobs" '
		leaky l$mode &&
		ml l$mode build "${OPTS[@]}" --recipes "$TRASH/l$mode" --root "$TRASH/root.l$mode" \
			-j $N --jobserver $mode 2>l$mode.err &&
		grep_q "4 of 4 node(s) built" l$mode.err &&
		test -f took.l$mode &&
		grep_q "tokthief: 137" st.l$mode/logs/thief/64.log &&
		test "$(wc -l <l$mode.rec)" -eq 24 &&
		m=$(max_overlap l$mode.rec) && echo "after the leak: max overlap $m" &&
		grep "jobserver:" l$mode.err &&
		test "$m" -eq $N &&
		grep_q "jobserver: 1 tokens leaked by .thief:64., refilling" l$mode.err
	'
done

# the calling make runs mlfs (joined, no -j) beside a sibling make of 8 jobs
cat >outer.mk <<EOF
all: mlfs side
mlfs:
	+"$MLFS" --state="$TRASH/st.outer" build ${OPTS[*]} --recipes "$TRASH/outer" --root "$TRASH/root.outer" 2>"$TRASH/outer.err"
side:
	+\$(MAKE) -f "$TRASH/jobs.mk" REC="$TRASH/side.rec"
.PHONY: all mlfs side
EOF

test_expect_success "under make -j$N, mlfs joins its jobserver, and mlfs and a sibling make run $N jobs at once together" '
	wide outer &&
	make -j$N -f outer.mk >outer.out 2>&1 &&
	cat outer.err outer.out &&
	grep_q "joining the jobserver of the calling make ($N slots)" outer.err &&
	grep_q "6 of 6 node(s) built" outer.err &&
	! grep -q "INTERNAL" outer.out &&
	grep_q "^step MAKEFLAGS= -j$N --jobserver-fds=3,4 --jobserver-auth=3,4" st.outer/logs/a/64.log &&
	test "$(wc -l <outer.rec)" -eq 48 && test "$(wc -l <side.rec)" -eq 8 &&
	m=$(max_overlap outer.rec side.rec) && echo "max overlap $m" &&
	test "$m" -eq $N
'

# a parent that owns a fifo pool of N slots, as make 4.4 would, at fds 3,4
# only in name: the jobs find it by path
test_expect_success "under a fifo pool of $N slots, mlfs joins it, stays within it and gives back every token" '
	wide pool &&
	mkfifo pool.fifo && exec 5<>pool.fifo &&
	printf "%*s" $((N - 1)) "" | tr " " + >&5 &&
	MAKEFLAGS=" -j$N --jobserver-auth=fifo:$TRASH/pool.fifo" \
		ml pool build "${OPTS[@]}" --recipes "$TRASH/pool" --root "$TRASH/root.pool" 2>pool.err &&
	cat pool.err &&
	grep_q "joining the jobserver of the calling make ($N slots)" pool.err &&
	grep_q "^step MAKEFLAGS= -j$N --jobserver-auth=fifo:$TRASH/pool.fifo$" st.pool/logs/a/64.log &&
	m=$(max_overlap pool.rec) && echo "max overlap $m" &&
	test "$m" -eq $N &&
	left=$(dd if=pool.fifo iflag=nonblock bs=64 count=1 2>/dev/null | wc -c) &&
	echo "tokens left in the pool: $left" &&
	test "$left" -eq $((N - 1))
'

test_done

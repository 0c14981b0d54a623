# shellcheck shell=bash
# ninja: LFS 8.55. The book's sed makes ninja honour $NINJAJOBS (mlfs sets it
# from the jobserver). The self test is the one of the ninja-1.11 pages (later
# releases need googletest): ninja_test without SubprocessTest.SetWithLots,
# which needs a high open-files limit.
# The step is called install(), so the install program is `command install`.

prepare() {
	sed -i '/int Guess/a \
  int   j = 0;\
  char* jobs = getenv( "NINJAJOBS" );\
  if ( jobs != NULL ) j = atoi( jobs );\
  if ( j > 0 ) return j;\
' src/ninja.cc
}

build() {
	python3 configure.py --bootstrap
}

check() {
	./ninja ninja_test
	./ninja_test --gtest_filter=-SubprocessTest.SetWithLots
}

install() {
	local d=${DESTDIR:?}
	command install -Dm755 ninja "$d/usr/bin/ninja"
	command install -Dm644 misc/bash-completion \
		"$d/usr/share/bash-completion/completions/ninja"
	command install -Dm644 misc/zsh-completion \
		"$d/usr/share/zsh/site-functions/_ninja"
}

# shellcheck shell=bash
# openssl: LFS 8.47. The Configure target (linux-x86, linux-x86_64, linux-x32)
# selects the ABI and adds -m32/-m64/-mx32 itself; CC from the environment
# carries the same flag. openssl/configuration.h differs per ABI (BN_LLONG,
# SIXTY_FOUR_BIT[_LONG], THIRTY_TWO_BIT) and is wrapped by the merge.

configure() {
	./Configure "${MLFS_OPENSSL_TARGET:?}" --prefix=/usr --openssldir=/etc/ssl \
		--libdir="${LIBDIR_MULTI:?}" shared zlib-dynamic
	# the book: no static libraries
	sed -i '/^INSTALL_LIBS/s/libcrypto.a libssl.a//' Makefile
}

build() {
	make
}

check() {
	# the full test suite takes longer than the build: a smoke test only
	util/wrap.pl apps/openssl version -a
	echo mlfs | util/wrap.pl apps/openssl dgst -sha256
}

install() {
	make DESTDIR="${DESTDIR:?}" install_sw
}

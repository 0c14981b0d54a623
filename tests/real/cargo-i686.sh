#!/usr/bin/env bash
# cargo-i686.sh: a real cargo project using a real -sys crate (Debian's
# libz-sys, which links zlib only through pkg-config) is built with
# `cargo build --target i686-unknown-linux-gnu` against a root mlfs built in
# host mode (Chapter 8's zlib for 32 and 64 from this machine's Debian
# sources), with nothing but the root's generated cargo config: no
# PKG_CONFIG_* set by hand, and a decoy in the caller's PKG_CONFIG_PATH. The
# program must be i386, name libz.so.1, and run with the root's 32-bit zlib.
#
# Debian 12's rustc (1.63) and cargo are used; Rust's i686 std comes from
# Debian's libstd-rust-dev:i386 of the same version, downloaded with a private
# apt state and extracted with dpkg-deb -x into a private sysroot (the
# machine's dpkg architectures are untouched). Debian has no x32 Rust std, so
# x32 is not built here. Not in CI (downloads from the apt archive).
#
# Usage: tests/real/cargo-i686.sh [WORKDIR]
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MLFS=$TOP/build/mlfs
W=${1:-$(mktemp -d /var/tmp/mlfs-cargo-i686.XXXXXX)}
mkdir -p "$W"
W=$(cd "$W" && pwd)
R=$W/root
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
die() { echo "cargo-i686: $*" >&2; exit 1; }

[ -x "$MLFS" ] || make -C "$TOP" build/mlfs >/dev/null
for p in rustc cargo librust-libz-sys-dev; do
	dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
		die "needs Debian's $p (apt-get install rustc cargo librust-libz-sys-dev)"
done
RUSTC=/usr/bin/rustc CARGO=/usr/bin/cargo
export RUSTC
echo "cargo-i686: work dir $W"

# the root: zlib for 32 and 64
bash "$TOP/tests/real/mirror-more.sh" "$W/mirror" zlib >"$W/mirror.log" 2>&1 ||
	{ tail -n 20 "$W/mirror.log"; exit 1; }
"$MLFS" build zlib --abi 32,64 --root "$R" --state "$W/st" --recipes "$TOP/recipes" \
	--profiles "$TOP/abi-profiles" --mirror "file://$W/mirror" --source "zlib=$W/mirror/trees/zlib" \
	>"$W/build.log" 2>&1 || { tail -n 30 "$W/build.log"; exit 1; }

# Rust's i686 std, the version of the installed rustc
ver=$(dpkg-query -W -f='${Version}' libstd-rust-dev)
S=$W/sysroot
if [ ! -d "$S/lib/rustlib/i686-unknown-linux-gnu/lib" ]; then
	A=$W/apt
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$W/debs"
	apto=(-o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o "Debug::NoLocking=1"
		-o "APT::Architectures::=amd64" -o "APT::Architectures::=i386" -q)
	# an index that fails (a mirror mid-sync) matters only if the package is
	# then not found
	apt-get "${apto[@]}" update >"$W/apt.log" 2>&1 || echo "cargo-i686: apt-get update: some indexes failed" >&2
	(cd "$W/debs" && apt-get "${apto[@]}" download "libstd-rust-dev:i386=$ver") >>"$W/apt.log" 2>&1 ||
		{ tail "$W/apt.log"; exit 1; }
	mkdir -p "$W/x" "$S/lib/rustlib"
	dpkg-deb -x "$W"/debs/libstd-rust-dev_*_i386.deb "$W/x"
	mv "$W/x/usr/lib/rustlib/i686-unknown-linux-gnu" "$S/lib/rustlib/"
	ln -sfn /usr/lib/rustlib/x86_64-unknown-linux-gnu "$S/lib/rustlib/x86_64-unknown-linux-gnu"
fi

# the project: Debian's crates as the registry, the private sysroot
P=$W/useme
rm -rf "$P"
mkdir -p "$P/src" "$P/.cargo"
cat >"$P/Cargo.toml" <<'EOF'
[package]
name = "useme"
version = "0.1.0"
edition = "2018"

[dependencies]
libz-sys = { version = "1.1", default-features = false, features = ["stock-zlib"] }
EOF
cat >"$P/src/main.rs" <<'EOF'
use std::ffi::CStr;
extern "C" {
    fn zlibVersion() -> *const std::os::raw::c_char;
}
fn main() {
    let _ = libz_sys::crc32 as usize;
    let v = unsafe { CStr::from_ptr(zlibVersion()) };
    println!("zlib {} with {}-bit pointers", v.to_str().unwrap(), 8 * std::mem::size_of::<usize>());
}
EOF
cat >"$P/.cargo/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[build]
rustflags = ["--sysroot", "$S"]
EOF

# a decoy in the caller's pkg-config path, which must not be used
mkdir -p "$W/decoy"
printf 'Name: zlib\nDescription: decoy\nVersion: 9\nLibs: -lnosuchdecoy\n' >"$W/decoy/zlib.pc"

if (cd "$P" && PKG_CONFIG_PATH=$W/decoy "$CARGO" --config "$R/usr/share/mlfs/cargo/config.toml" \
	build --offline --target i686-unknown-linux-gnu) >"$W/cargo.log" 2>&1; then
	ok "cargo build --target i686-unknown-linux-gnu with the root's cargo config"
else
	notok "cargo build --target i686-unknown-linux-gnu (see $W/cargo.log)"
	tail -n 30 "$W/cargo.log"
fi
B=$P/target/i686-unknown-linux-gnu/debug/useme
if [ -f "$B" ] && readelf -h "$B" | grep -q 'Class: *ELF32' && readelf -h "$B" | grep -q 'Intel 80386'; then
	ok "the program is i386"
else
	notok "the program is not i386"
fi
if [ -f "$B" ] && readelf -d "$B" | grep -q 'NEEDED.*\[libz.so.1\]' &&
	grep -qx "cargo:rustc-link-search=native=$R/usr/lib32" "$P"/target/i686-unknown-linux-gnu/debug/build/libz-sys-*/output; then
	ok "it links libz.so.1 from the root's /usr/lib32"
else
	notok "it does not link the root's /usr/lib32/libz.so.1"
fi
out=$(LD_LIBRARY_PATH=$R/usr/lib32 "$B" 2>&1 || true)
if LD_LIBRARY_PATH=$R/usr/lib32 LD_DEBUG=libs "$B" 2>&1 | grep -q "calling init: $R/usr/lib32/libz.so.1" &&
	grep -q "32-bit pointers" <<<"$out"; then
	ok "it runs with the root's 32-bit zlib: $out"
else
	notok "it does not run with the root's 32-bit zlib: $out"
fi
echo "cargo-i686: $fails failed"
[ "$fails" -eq 0 ]

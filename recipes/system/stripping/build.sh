# shellcheck shell=bash
# stripping: LFS 8.84 (Multilib 11.3: also /usr/lib32 and /usr/libx32).
#
# The book strips the finished system in place. In mlfs every node is staged
# into its own directory and merged by rule, with a manifest per package
# whose files are hashed: a page that rewrote other packages' files would
# leave every manifest wrong (and the next merge of those packages would see
# files changed behind its back). So the stripping is done where the files
# are still the node's own: on each system-stage node's staged tree, after
# its install step and before the merge, by strip_staged from
# recipes/include/strip.sh, which applies the book's rules, including the
# debuglinked LIB.dbg files of the libraries the book saves. The
# orchestrator runs it for every system-stage node with `mlfs build --strip`
# (a "strip" step after install; see README.md, "Stripping and cleaning up").
#
# This page owns no files. It reports, from the root, the ELF programs and
# libraries that still carry a symbol table: none with --strip; without it
# (the default: the book's page is optional), the list of what the book
# would have stripped. It never fails on that list.
# It uses only the root's binutils (readelf), read-only.

install() {
	local root=${MLFS_ROOT:-}
	strip_report "$root" || true
}

# shellcheck shell=bash
# cleaning-up: LFS 8.85 (Multilib 11.3), as far as it is not the merge's.
# - rm -rf /tmp/*: done, in the root's /tmp. The page is one_pass and depends
#   on every page built for more than one ABI, so no node of another ABI is
#   still compiling (gcc keeps its temporary files in /tmp) when it runs.
# - find /usr/lib{,32,x32} /usr/libexec -name \*.la -delete: the merge never
#   installs a .la file (its rule 6); any found here came from outside mlfs
#   and are removed as the book does.
# - find /usr -depth -name $(uname -m)-lfs-linux-gnu\* | xargs rm -rf: NOT
#   done. Those files (the chapter 6 cross compiler's leftovers) belong to
#   the manifests of the temp-stage packages; deleting them here would leave
#   those manifests naming files that are gone. They are listed; removing
#   them is the job of the orchestrator, which owns the manifests.
# - userdel -r tester: nothing to do, lfs-files (LFS 7.6) creates no tester.
# The root is / in an LFS build (inside the chroot) and MLFS_ROOT in host
# mode; the page refuses to run elsewhere (it would clean the host's /tmp).

cleanup_root() {
	if [ -n "${MLFS_ROOT:-}" ]; then
		echo "$MLFS_ROOT"
	elif [ "${MLFS_RECIPE#/run/mlfs/}" != "${MLFS_RECIPE:?}" ]; then
		echo ""
	else
		echo "cleaning-up: neither MLFS_ROOT nor the LFS chroot: not cleaning the host" >&2
		return 1
	fi
}

install() {
	local root f n=0
	root=$(cleanup_root)
	if [ -d "$root/tmp" ]; then
		find "$root/tmp" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
		echo "cleaning-up: $root/tmp emptied"
	fi
	while IFS= read -r -d '' f; do
		echo "cleaning-up: removing ${f#"$root"}"
		rm -f "$f"
	done < <(find "$root"/usr/lib* "$root"/usr/libexec -name '*.la' -print0 2>/dev/null)
	while IFS= read -r -d '' f; do
		echo "cleaning-up: left for the owner of its manifest: ${f#"$root"}"
		n=$((n + 1))
	done < <(find "$root/usr" -depth -name "${LFS_TGT:-x86_64-lfs-linux-gnu}*" -print0 2>/dev/null)
	echo "cleaning-up: $n cross-toolchain leftovers under /usr"
}

#!/usr/bin/env bash
# mirror-more.sh: kept for old command lines; tests/real/sources.sh does the
# work, the tag archives' preparation (expat, libxcrypt) included.
#
# Usage: tests/real/mirror-more.sh DIR [RECIPE...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: tests/real/mirror-more.sh DIR [RECIPE...]" >&2; exit 1; }
dir=$1
shift
[ $# -gt 0 ] || set -- file attr acl zstd libcap expat readline libtool gdbm libxcrypt pkgconf libelf
exec "$(dirname "$0")/sources.sh" "$dir" "$@"

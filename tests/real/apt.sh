# shellcheck shell=bash
# apt.sh: a private apt configuration with deb-src entries derived from the
# machine's own apt sources, for `apt-get source --download-only` (the
# system's apt state is untouched). Sourced by sources.sh, which defines die
# and say and sets APT (the private dir) before calling apt_prepare.
# APT_EXTRA_SUITES (e.g. "trixie sid"): newer suites of the same archive, as
# deb-src entries copied from the machine's entries for its release itself
# (not -updates or -security), to find upstream versions bookworm lacks.

aptopts=(
	-o "Dir::Etc::SourceList=$APT/sources.list"
	-o "Dir::Etc::SourceParts=$APT/sources.list.d"
	-o "Dir::State::Lists=$APT/lists"
	-o "Dir::Cache=$APT/cache"
	-o "APT::Sandbox::User=root"
	-o "Debug::NoLocking=1"
	-q
)

# write $APT/sources.list.d/mlfs-src.sources: the machine's own Debian entries
# for its release (suites CODENAME, CODENAME-*, CODENAME/*), turned into deb-src,
# and the same archive's APT_EXTRA_SUITES
make_sources() {
	local codename out tmp f dst
	# shellcheck source=/dev/null
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "no VERSION_CODENAME in /etc/os-release"
	mkdir -p "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache/archives/partial"
	: >"$APT/sources.list"
	out=$APT/sources.list.d/mlfs-src.sources
	tmp=$APT/sources.tmp
	: >"$tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822: blank-line separated stanzas; keep Debian stanzas, Types: deb-src
		awk -v cn="$codename" -v extra="${APT_EXTRA_SUITES:-}" '
			function flush(   i, keep, main, n, s, k) {
				if (nl == 0) return
				keep = 0; main = 0
				n = split(suites, s, /[ \t]+/)
				for (i = 1; i <= n; i++) {
					if (s[i] == cn || index(s[i], cn "-") == 1 || index(s[i], cn "/") == 1) keep = 1
					if (s[i] == cn) main = 1
				}
				if (types !~ /(^|[ \t])deb([ \t]|$)/ || enabled ~ /^[ \t]*no/) keep = 0
				if (keep) {
					for (k = 1; k <= nl; k++) print lines[k]
					print ""
				}
				# the newer suites of the release archive itself
				if (keep && main && extra != "") {
					for (k = 1; k <= nl; k++)
						print (tolower(lines[k]) ~ /^suites:/ ? "Suites: " extra : lines[k])
					print ""
				}
				nl = 0; suites = ""; types = ""; enabled = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^#/ { next }
			{
				if (tolower($0) ~ /^types:/) { types = substr($0, 7); $0 = "Types: deb-src" }
				else if (tolower($0) ~ /^suites:/) suites = substr($0, 8)
				else if (tolower($0) ~ /^enabled:/) enabled = substr($0, 9)
				lines[++nl] = $0
			}
			END { flush() }
		' "$f" >>"$tmp"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# one-line format: "deb [opts] URI SUITE COMPONENTS..." -> "deb-src ..."
		awk -v cn="$codename" -v extra="${APT_EXTRA_SUITES:-}" '
			$1 != "deb" { next }
			{
				i = 2
				if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				suite = $(i + 1)
				if (suite != cn && index(suite, cn "-") != 1 && index(suite, cn "/") != 1) next
				sub(/^deb/, "deb-src")
				print
				if (suite != cn || extra == "") next
				# the newer suites of the release archive itself
				n = split(extra, e, /[ \t]+/)
				for (k = 1; k <= n; k++) {
					line = ""
					for (j = 1; j <= NF; j++) line = line (j > 1 ? " " : "") (j == i + 1 ? e[k] : $j)
					print line
				}
			}
		' "$f" >"$tmp.list"
		dst=$APT/sources.list.d/mlfs-src-$(basename "$f" .list).list
		if [ ! -s "$tmp.list" ]; then
			rm -f "$dst"
		elif ! cmp -s "$tmp.list" "$dst"; then
			cp "$tmp.list" "$dst"
		fi
		rm -f "$tmp.list"
	done
	# rewrite only on change: a newer sources directory forces an update
	if [ ! -s "$tmp" ]; then
		rm -f "$tmp" "$out"
	elif cmp -s "$tmp" "$out"; then
		rm -f "$tmp"
	else
		mv "$tmp" "$out"
	fi
	ls "$APT"/sources.list.d/* >/dev/null 2>&1 ||
		die "no Debian '$codename' entries in /etc/apt/sources.list{,.d}"
}

apt_ready=0
apt_prepare() {
	[ $apt_ready -eq 0 ] || return 0
	local stamp=$APT/updated key
	make_sources
	key=$(cat "$APT"/sources.list.d/* | sha256sum | cut -d' ' -f1)
	# refresh the private source index when missing, older than 12 hours or
	# made for other sources
	if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720)" ] ||
		[ "$(cat "$stamp")" != "$key" ]; then
		say "apt-get update (deb-src, private lists in $APT)" >&2
		apt-get "${aptopts[@]}" update >"$APT/update.log" 2>&1 ||
			{ cat "$APT/update.log" >&2; die "apt-get update failed"; }
		echo "$key" >"$stamp"
	fi
	apt_ready=1
}


# shellcheck shell=bash
# recipedir DIR NAME: the directory of recipe NAME under the recipes dir DIR,
# flat (DIR/NAME) or in a stage directory (DIR/system/NAME); fails when none
recipedir() {
	local d
	for d in "$1/$2" "$1"/*/"$2"; do
		[ -f "$d/recipe.json" ] || continue
		echo "$d"
		return 0
	done
	echo "no recipe '$2' under $1" >&2
	return 1
}

#!/bin/sh
# Renders page 1 of the yearly report PDF in a language to PNG, to check by
# eye that its script (Georgian, Armenian, Cyrillic) is drawn.
#   docs/pdf-pages.sh ka        → docs/report-ka.png
#   docs/pdf-pages.sh ka hy     → both
# Needs pdftoppm (Debian: apt-get install poppler-utils). The PDFs come from
# the report test's fixture (web TestYearReport), so no database is needed.
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 LL [LL...]" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
NRM_REPORT_PDF_DIR="$dir" go test ./web -count=1 -run 'TestYearReport/sqlite/pdf_in_every_language' >/dev/null
for lang in "$@"; do
	[ -f "$dir/report-$lang.pdf" ] || { echo "no report in $lang" >&2; exit 1; }
	pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$dir/report-$lang.pdf" "docs/report-$lang"
	echo "docs/report-$lang.png"
done

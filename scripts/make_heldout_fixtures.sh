#!/usr/bin/env bash
# Render the held-out structure corpus (tests/fixtures/structure_heldout/src/*.md) with the
# converters real users have, not our own renderer (issue #10's held-out check):
#
#   NAME.md       the source as written (the reference for locators)
#   NAME.html     pandoc md -> standalone HTML (<ol type="a">, pandoc's endnote section)
#   NAME.docx     pandoc md -> DOCX (pandoc's styles: "First Paragraph", "Compact", numbering.xml lists, real footnotes)
#   NAME.pdf      Chromium headless print of NAME.html (default header/footer: date, title, file URL, "1/5")
#   NAME.lo.docx  LibreOffice Writer: NAME.html -> DOCX
#   NAME.lo.pdf   LibreOffice Writer: NAME.docx -> PDF
#
#   bash scripts/make_heldout_fixtures.sh      # needs pandoc, chromium, soffice (apt packages)
#
# Generated files are committed; CI does not have the converters.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/tests/fixtures/structure_heldout"
SRC="$OUT/src"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for cmd in pandoc chromium soffice; do
  command -v "$cmd" >/dev/null || { echo "missing: $cmd" >&2; exit 1; }
done
for src in "$SRC"/*.md; do
  name="$(basename "$src" .md)"
  title="$(sed -n 's/^# //p' "$src" | head -1)"
  cp "$src" "$OUT/$name.md"
  pandoc "$src" -s --metadata pagetitle="$title" -o "$OUT/$name.html"
  pandoc "$src" -o "$OUT/$name.docx"
  # a fixed file URL in the footer, whatever the checkout's path
  mkdir -p "$WORK/heldout" && cp "$OUT/$name.html" "$WORK/heldout/$name.html"
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/chrome" \
    --print-to-pdf="$OUT/$name.pdf" "file://$WORK/heldout/$name.html" 2>/dev/null
  soffice --headless -env:UserInstallation="file://$WORK/lo" --convert-to "docx:MS Word 2007 XML" \
    --outdir "$WORK/lo-docx" "$OUT/$name.html" >/dev/null 2>&1
  cp "$WORK/lo-docx/$name.docx" "$OUT/$name.lo.docx"
  soffice --headless -env:UserInstallation="file://$WORK/lo" --convert-to pdf \
    --outdir "$WORK/lo-pdf" "$OUT/$name.docx" >/dev/null 2>&1
  cp "$WORK/lo-pdf/$name.pdf" "$OUT/$name.lo.pdf"
  echo "$name: md html docx pdf lo.docx lo.pdf"
done

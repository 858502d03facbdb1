#!/usr/bin/env bash
# Translations of the bot's fixed texts (gettext catalogs, managed with Babel).
#   bash scripts/i18n.sh extract   # code -> bot/locale/jitbot.pot
#   bash scripts/i18n.sh update    # .pot -> each bot/locale/<lang>/LC_MESSAGES/jitbot.po (new texts empty)
#   bash scripts/i18n.sh compile   # .po -> .mo (shipped in the package; the bot reads only these)
#   bash scripts/i18n.sh all       # the three, in order (after changing a text in the code)
# tests/unit/test_i18n_catalogs.py fails while any text lacks a translation or is fuzzy.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-pybabel}"
command -v "$PYBABEL" >/dev/null || PYBABEL=".venv/bin/pybabel"
LOCALES=bot/locale
POT=$LOCALES/jitbot.pot

extract() {
  mkdir -p "$LOCALES"
  "$PYBABEL" extract -F babel.cfg -k N_ --sort-by-file --project=jitbot \
    --msgid-bugs-address="" --copyright-holder="jitbot" -o "$POT" .
}
update() {
  for lang in es fr pt; do
    if [ -f "$LOCALES/$lang/LC_MESSAGES/jitbot.po" ]; then
      "$PYBABEL" update -D jitbot -i "$POT" -d "$LOCALES" -l "$lang" --no-fuzzy-matching
    else
      "$PYBABEL" init -D jitbot -i "$POT" -d "$LOCALES" -l "$lang"
    fi
  done
}
compile() {
  "$PYBABEL" compile -D jitbot -d "$LOCALES" --statistics
}

case "${1:-all}" in
  extract) extract ;;
  update) update ;;
  compile) compile ;;
  all) extract; update; compile ;;
  *) echo "usage: $0 [extract|update|compile|all]" >&2; exit 2 ;;
esac

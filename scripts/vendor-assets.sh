#!/usr/bin/env bash
# Vendor the browser assets that tanji-server embeds in its binary:
#   crates/tanji-server/assets/vendor/echarts.min.js   (npm: echarts)
#   crates/tanji-server/assets/vendor/htmx.min.js      (npm: htmx.org)
#   crates/tanji-server/assets/fonts/NotoSansSC-{Regular,Bold}.subset.woff2
#                        (Debian: fonts-noto-cjk, subset by scripts/subset-font.py)
# plus their licence texts and crates/tanji-server/assets/vendor/LICENSES.md.
# It also writes the same font subset uncompressed (OpenType/CFF, which resvg can read and WOFF2 it cannot) for
# the print labels: crates/tanji-label/fonts/NotoSansSC-{Regular,Bold}.subset.otf, with OFL.txt and README.md.
#
# Maintainer tool: it is NOT run at build time (the build needs neither network
# nor Node.js). Re-run it after adding Chinese UI strings under
# crates/tanji-server/ (the font subset picks up every Han character found
# there) or after bumping a pinned version below. It is idempotent: files are
# only rewritten when their content changes, and it says what it did.
#
# Needs: npm, python3 (+pip), apt-get (for fonts-noto-cjk), run as root or with sudo.
#
# To bump a JS library: change *_VERSION, run once, and copy the integrity and
# sha256 it reports as mismatching into the pins after checking them.
set -euo pipefail

# ---- pins -------------------------------------------------------------------
ECHARTS_VERSION=6.1.0
ECHARTS_INTEGRITY=sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==
ECHARTS_SHA256=b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0   # dist/echarts.min.js

HTMX_VERSION=2.0.11
HTMX_INTEGRITY=sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
HTMX_SHA256=d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717      # dist/htmx.min.js

FONT_DEB=fonts-noto-cjk
FONT_DEB_VERSION=1:20220127+repack1-1       # Debian 12 (bookworm)
FONT_DIR=/usr/share/fonts/opentype/noto
FONT_REGULAR_TTC_SHA256=b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a
FONT_BOLD_TTC_SHA256=faa5f3656a78b2e2d450d27fe8382c778bc2b6bb5ea29c986664a6a435056ceb

FONTTOOLS_VERSION=4.68.0                    # output bytes depend on the fontTools version
BROTLI_VERSION=1.2.1
# -----------------------------------------------------------------------------

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER=$ROOT/crates/tanji-server
VENDOR=$SERVER/assets/vendor
FONTS=$SERVER/assets/fonts
PYTHON=${PYTHON:-python3}

log() { printf '[vendor-assets] %s\n' "$*"; }
die() { printf '[vendor-assets] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tanji-vendor.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

sha256() { sha256sum "$1" | cut -d' ' -f1; }
sri512() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

# install_file SRC DEST: copy SRC to DEST unless identical; report which.
install_file() {
    local src=$1 dest=$2 rel=${2#"$ROOT"/}
    mkdir -p "$(dirname "$dest")"
    if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
        log "unchanged: $rel"
    else
        install -m 0644 "$src" "$dest"
        log "written:   $rel ($(stat -c %s "$dest") bytes)"
    fi
}

for tool in npm "$PYTHON" openssl sha256sum base64 tar cmp; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

# ---- npm packages -----------------------------------------------------------
# fetch_npm NAME VERSION INTEGRITY: npm pack into $TMP/NAME, verify, extract.
fetch_npm() {
    local name=$1 version=$2 integrity=$3
    local dir=$TMP/$name tgz got
    mkdir -p "$dir"
    log "npm pack $name@$version"
    (cd "$dir" && npm pack --silent "$name@$version" >/dev/null 2>"$dir/npm.log") \
        || { cat "$dir/npm.log" >&2; die "npm pack $name@$version failed"; }
    tgz=$dir/$name-$version.tgz
    [ -f "$tgz" ] || die "npm pack did not produce $(basename "$tgz")"
    got=$(sri512 "$tgz")
    [ "$got" = "$integrity" ] || die "$name@$version tarball integrity $got != pinned $integrity"
    log "  tarball integrity ok ($integrity)"
    tar -xzf "$tgz" -C "$dir"
}

# check_sha256 FILE PINNED
check_sha256() {
    local got
    got=$(sha256 "$1")
    [ "$got" = "$2" ] || die "sha256 of ${1#"$TMP"/} is $got, pinned $2"
    log "  sha256 ok: ${1#"$TMP"/}"
}

fetch_npm echarts "$ECHARTS_VERSION" "$ECHARTS_INTEGRITY"
E=$TMP/echarts/package
check_sha256 "$E/dist/echarts.min.js" "$ECHARTS_SHA256"
install_file "$E/dist/echarts.min.js" "$VENDOR/echarts.min.js"
{
    printf 'Apache ECharts %s (npm package echarts@%s, file dist/echarts.min.js)\n' \
        "$ECHARTS_VERSION" "$ECHARTS_VERSION"
    printf 'Licence: Apache-2.0. Below, verbatim from the npm package: LICENSE, NOTICE\n'
    printf 'and licenses/LICENSE-d3 (d3 code, BSD-3-Clause, is embedded in the bundle).\n'
    for f in LICENSE NOTICE licenses/LICENSE-d3; do
        [ -f "$E/$f" ] || die "echarts package lacks $f"
        printf '\n==============================================================================\n'
        printf '%s\n' "$f"
        printf '==============================================================================\n\n'
        cat "$E/$f"
        printf '\n'
    done
} > "$TMP/echarts.LICENSE.txt"
install_file "$TMP/echarts.LICENSE.txt" "$VENDOR/echarts.LICENSE.txt"

fetch_npm htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY"
H=$TMP/htmx.org/package
check_sha256 "$H/dist/htmx.min.js" "$HTMX_SHA256"
install_file "$H/dist/htmx.min.js" "$VENDOR/htmx.min.js"
[ -f "$H/LICENSE" ] || die "htmx.org package lacks LICENSE"
{
    printf 'htmx %s (npm package htmx.org@%s, file dist/htmx.min.js)\n' "$HTMX_VERSION" "$HTMX_VERSION"
    printf 'Licence: 0BSD. Below, verbatim from the npm package: LICENSE\n\n'
    cat "$H/LICENSE"
} > "$TMP/htmx.LICENSE.txt"
install_file "$TMP/htmx.LICENSE.txt" "$VENDOR/htmx.LICENSE.txt"

# ---- font -------------------------------------------------------------------
if ! dpkg-query -W -f='${Status}' "$FONT_DEB" 2>/dev/null | grep -q 'install ok installed'; then
    log "apt-get install $FONT_DEB"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$FONT_DEB" >/dev/null
else
    log "$FONT_DEB already installed"
fi
deb_version=$(dpkg-query -W -f='${Version}' "$FONT_DEB")
if [ "$deb_version" != "$FONT_DEB_VERSION" ]; then
    log "WARNING: $FONT_DEB is $deb_version, pinned $FONT_DEB_VERSION (the TTC checksums below decide)"
fi
for pair in "Regular:$FONT_REGULAR_TTC_SHA256" "Bold:$FONT_BOLD_TTC_SHA256"; do
    ttc=$FONT_DIR/NotoSansCJK-${pair%%:*}.ttc
    [ -f "$ttc" ] || die "$ttc not found"
    got=$(sha256 "$ttc")
    [ "$got" = "${pair#*:}" ] || die "sha256 of $ttc is $got, pinned ${pair#*:} (update the pin deliberately)"
    log "  sha256 ok: $ttc"
done

have_py_pkgs() {
    "$PYTHON" - "$FONTTOOLS_VERSION" <<'EOF' 2>/dev/null
import sys, fontTools, brotli
sys.exit(0 if fontTools.version == sys.argv[1] else 1)
EOF
}
if have_py_pkgs; then
    log "fontTools $FONTTOOLS_VERSION and brotli already installed"
else
    log "pip install fonttools==$FONTTOOLS_VERSION brotli==$BROTLI_VERSION"
    "$PYTHON" -m pip install -q "fonttools==$FONTTOOLS_VERSION" "brotli==$BROTLI_VERSION"
fi

# Scan every crate, not only the server: the console also shows text from the domain (province names) and the
# demo data set (tanji-cli), and later crates add their own.
log "subsetting fonts (scanning $ROOT/crates for Han characters, except assets/vendor and assets/fonts)"
"$PYTHON" "$ROOT/scripts/subset-font.py" \
    --src-dir "$FONT_DIR" --out-dir "$FONTS" --scan-dir "$ROOT/crates" \
    --exclude "$VENDOR" --exclude "$FONTS" \
    --summary-json "$TMP/font-summary.json" | sed 's/^/[subset-font] /'

# OFL.txt: upstream noto-cjk copyright statement + the OFL 1.1 text as shipped
# in Debian's copyright file for the package.
COPYRIGHT_FILE=/usr/share/doc/$FONT_DEB/copyright
[ -f "$COPYRIGHT_FILE" ] || die "$COPYRIGHT_FILE not found"
{
    cat <<'EOF'
Noto Sans CJK SC, as subset in NotoSansSC-Regular.subset.woff2 and
NotoSansSC-Bold.subset.woff2 (a Modified Version under the licence below;
see ../vendor/LICENSES.md for what was changed).

Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.
Noto is a trademark of Google Inc.

This Font Software is licensed under the SIL Open Font License, Version 1.1.
This license is copied below, and is also available with a FAQ at:
https://openfontlicense.org

EOF
    # The stand-alone "License: SIL-1.1" stanza (the one followed by indented
    # text), with Debian's one-space indent and " ." blank-line markers undone.
    awk '
        /^License: SIL-1.1[[:space:]]*$/ { on = 1; n = 0; next }
        on && /^ / { sub(/^ /, ""); if ($0 == ".") $0 = ""; buf[n++] = $0; next }
        on { if (n > 0) exit; on = 0 }
        END { for (i = 0; i < n; i++) print buf[i] }
    ' "$COPYRIGHT_FILE"
} > "$TMP/OFL.txt"
grep -q 'SIL OPEN FONT LICENSE Version 1.1' "$TMP/OFL.txt" || die "OFL text not found in $COPYRIGHT_FILE"
grep -q 'OTHER DEALINGS IN THE FONT SOFTWARE' "$TMP/OFL.txt" || die "OFL text in $COPYRIGHT_FILE looks truncated"
install_file "$TMP/OFL.txt" "$FONTS/OFL.txt"

# ---- label font (crates/tanji-label) ----------------------------------------
# Labels are rendered to print PNGs by resvg, which reads OpenType but not WOFF2: the same character set again,
# uncompressed (OpenType with CFF outlines, under 1 MB per weight), with the OFL and a README saying where it is from.
LABEL_FONTS=$ROOT/crates/tanji-label/fonts
log "subsetting label fonts (OpenType/CFF for resvg)"
"$PYTHON" "$ROOT/scripts/subset-font.py" --flavor otf \
    --src-dir "$FONT_DIR" --out-dir "$LABEL_FONTS" --scan-dir "$ROOT/crates" \
    --exclude "$VENDOR" --exclude "$FONTS" --exclude "$LABEL_FONTS" \
    --summary-json "$TMP/label-font-summary.json" | sed 's/^/[subset-font] /'
{
    printf 'Noto Sans CJK SC, as subset in NotoSansSC-Regular.subset.otf and\n'
    printf 'NotoSansSC-Bold.subset.otf (a Modified Version under the licence below;\n'
    printf 'see README.md beside this file for what was changed).\n'
    tail -n +4 "$TMP/OFL.txt"
} > "$TMP/label-OFL.txt"
install_file "$TMP/label-OFL.txt" "$LABEL_FONTS/OFL.txt"
"$PYTHON" - "$TMP/label-font-summary.json" "$TMP/label-README.md" "$FONT_DEB" "$FONT_DEB_VERSION" <<'EOF'
import json, sys
summary_path, readme_path, deb, deb_version = sys.argv[1:5]
s = json.load(open(summary_path, encoding="utf-8"))
lines = [
    "# Label fonts",
    "",
    "Noto Sans CJK SC, subset for `label_png` (resvg reads OpenType, not the WOFF2 files the",
    "web console uses). Generated by `scripts/vendor-assets.sh` (a maintainer tool, not run at build",
    "time); do not edit by hand. Licence: SIL Open Font License 1.1, see `OFL.txt`.",
    "",
    f"- Source: Debian package `{deb}` version `{deb_version}`; upstream",
    "  https://github.com/googlefonts/noto-cjk (version 2.004).",
]
for o in s["outputs"]:
    name = o["output"].rsplit("/", 1)[-1]
    lines.append(f"- `{name}`: font number {o['font_number']} of `{o['source']}` (sha256 `{o['source_sha256']}`);")
    lines.append(f"  {o['bytes']} bytes, {o['codepoints']} code points, {o['glyphs']} glyphs; sha256 `{o['sha256']}`.")
lines += [
    f"- Made with fontTools {s['fonttools']} by `scripts/subset-font.py --flavor otf`, with the character set",
    "  of the web fonts: printable ASCII, Latin-1, general punctuation, super- and subscripts, arrows,",
    f"  common math signs, CJK punctuation, full-width forms, the {s['gb2312_level1']} level-1 hanzi of GB 2312 and",
    f"  every Han character in the text files under `crates/` ({s['scanned_han']} distinct when it ran).",
    "- Changes from the original (an OFL Modified Version; names left as they are): glyphs outside",
    "  the character set removed; hinting dropped, CFF desubroutinised; Japanese, Korean and",
    "  Traditional Chinese `locl` forms removed; missing super- and subscripts (CO\u2082) synthesised from",
    "  the font's own glyphs: " + s["outputs"][0]["synthesized"] + ".",
    "",
]
open(readme_path, "w", encoding="utf-8").write("\n".join(lines))
EOF
install_file "$TMP/label-README.md" "$LABEL_FONTS/README.md"

# ---- LICENSES.md ------------------------------------------------------------
"$PYTHON" - "$TMP/font-summary.json" "$TMP/LICENSES.md" <<EOF
import json, os, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
out = {o["weight"]: o for o in s["outputs"]}
root = "$ROOT"
def rel(p): return os.path.relpath(p, root)
lines = []
w = lines.append
w("# Vendored browser assets")
w("")
w("These files are embedded in the tanji-server binary, so it needs no network at run")
w("time and no Node.js to build. They are produced by \`scripts/vendor-assets.sh\`")
w("(a maintainer tool, not run at build time), which pins every version and checksum")
w("below; this file is generated by it. Paths are relative to \`crates/tanji-server/assets/\`.")
w("")
w("## JavaScript")
w("")
w("| file | package | version | npm tarball | sha256 of the vendored file | licence | licence text |")
w("| --- | --- | --- | --- | --- | --- | --- |")
w("| \`vendor/echarts.min.js\` (from \`dist/echarts.min.js\`) | \`echarts\` (Apache ECharts) | $ECHARTS_VERSION "
  "| \`echarts-$ECHARTS_VERSION.tgz\` (\`npm pack echarts@$ECHARTS_VERSION\`; tarball path \`echarts/-/echarts-$ECHARTS_VERSION.tgz\` on the npm registry), integrity \`$ECHARTS_INTEGRITY\` "
  "| \`$ECHARTS_SHA256\` | Apache-2.0 (bundle embeds d3 code under BSD-3-Clause) | \`vendor/echarts.LICENSE.txt\` (LICENSE + NOTICE + LICENSE-d3) |")
w("| \`vendor/htmx.min.js\` (from \`dist/htmx.min.js\`) | \`htmx.org\` (htmx) | $HTMX_VERSION "
  "| \`htmx.org-$HTMX_VERSION.tgz\` (\`npm pack htmx.org@$HTMX_VERSION\`; tarball path \`htmx.org/-/htmx.org-$HTMX_VERSION.tgz\` on the npm registry), integrity \`$HTMX_INTEGRITY\` "
  "| \`$HTMX_SHA256\` | 0BSD | \`vendor/htmx.LICENSE.txt\` |")
w("")
w("## Font: Noto Sans CJK SC (subset)")
w("")
w("- Licence: SIL Open Font License 1.1, full text and copyright in \`fonts/OFL.txt\`.")
w("  Upstream: https://github.com/googlefonts/noto-cjk (version 2.004).")
w("- Source: Debian package \`$FONT_DEB\` version \`$FONT_DEB_VERSION\`.")
for weight in ("Regular", "Bold"):
    o = out[weight]
    w(f"- \`fonts/NotoSansSC-{weight}.subset.woff2\`: from \`{o['source']}\` "
      f"(sha256 \`{o['source_sha256']}\`), font number {o['font_number']} of the collection "
      f"(\"Noto Sans CJK SC {weight}\"); {o['bytes']} bytes, {o['codepoints']} code points, "
      f"{o['glyphs']} glyphs; sha256 \`{o['sha256']}\`.")
w(f"- Made with fontTools {s['fonttools']} by \`scripts/subset-font.py\`. Character set: printable ASCII,")
w("  Latin-1 supplement, U+2000-206F, U+2070-209F, U+2190-21FF, U+2212 U+2264 U+2265")
w("  U+00B1 U+00D7 U+2248 U+2103, U+3000-303F, U+FF00-FFEF (code points the font has), the")
w(f"  {s['gb2312_level1']} level-1 hanzi of GB 2312, and every Han character in the text files under")
w(f"  \`crates/\` (except this script's outputs in \`assets/vendor/\` and \`assets/fonts/\`) when the script ran ({s['scanned_han']} distinct, "
  f"{len(s['extra_han'])} of them beyond GB 2312 level 1).")
w("- Changes from the original (so this is an OFL Modified Version; the Reserved Font Name")
w("  'Source' is not used: the font's names are left as they are): glyphs outside the character set")
w("  removed; hinting dropped and CFF desubroutinised; the \`locl\` lookups for Japanese, Korean,")
w("  Traditional Chinese and Hong Kong forms removed (SC forms are used whatever the page")
w("  language); the superscripts/subscripts the font lacks were synthesised from its own")
w("  digit, sign and letter glyphs: " + out["Regular"]["synthesized"] + ".")
w("")
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
EOF
install_file "$TMP/LICENSES.md" "$VENDOR/LICENSES.md"

log "done:"
ls -l "$VENDOR" "$FONTS" "$LABEL_FONTS" | sed 's/^/[vendor-assets]   /'

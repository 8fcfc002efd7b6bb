#!/usr/bin/env python3
"""Subset Noto Sans CJK SC (from Debian's fonts-noto-cjk) into small WOFF2 web fonts.

With --flavor otf it writes uncompressed OpenType (CFF) files instead, for renderers
that cannot read WOFF2 (resvg, which draws the print labels of crates/tanji-label).

Maintainer tool, called by scripts/vendor-assets.sh; it is not run at build time.

The character set is:
  * printable ASCII, Latin-1 supplement
  * general punctuation (U+2000-206F), super/subscripts (U+2070-209F)
  * arrows (U+2190-21FF) and common math symbols
  * CJK symbols and punctuation (U+3000-303F), fullwidth forms (U+FF00-FFEF)
  * the 3,755 level-1 hanzi of GB 2312 (decoded from rows 0xB0-0xD7)
  * every Han character (and, if the font has it, every other non-ASCII
    character) found in any UTF-8 text file under --scan-dir, so re-running
    after adding UI strings picks them up.

Changes beyond subsetting (the result is an OFL "Modified Version"; the font
has no Reserved Font Name, and its name table is left as it is):
  * hinting dropped, CFF desubroutinised (smaller WOFF2);
  * 'locl' lookups for JP/KR/TC/HK forms dropped (see keep_only_sc_locl);
  * the font lacks most superscripts and all subscripts (only the three
    Latin-1 superscripts and U+2074 exist), so the missing ones in U+2070-209F
    are synthesised from its own glyphs (see synthesize_scripts).

Output is reproducible: the same inputs and fontTools version give
byte-identical files (head.modified is not touched). A file is only rewritten
when its content changes.

Requires: fontTools, brotli (pip install fonttools brotli).
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools import version as fonttools_version
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.transformPen import TransformPen

FACE_FAMILY = "Noto Sans CJK SC"  # name ID 1 of the wanted face in the collection

# (range start, range end inclusive)
FIXED_RANGES = [
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (incl. U+00B1 +-, U+00D7 x)
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x209F),  # superscripts and subscripts (CO2, 10^4)
    (0x2190, 0x21FF),  # arrows
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
]
FIXED_CHARS = [
    0x2212,  # minus sign
    0x2264,  # less-than or equal to
    0x2265,  # greater-than or equal to
    0x00B1,  # plus-minus sign
    0x00D7,  # multiplication sign
    0x2248,  # almost equal to
    0x2103,  # degree Celsius
]

HAN_RANGES = [
    (0x2E80, 0x2EFF),  # CJK radicals supplement
    (0x2F00, 0x2FDF),  # Kangxi radicals
    (0x3005, 0x3005), (0x3007, 0x3007), (0x3021, 0x3029), (0x3038, 0x303B),
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2FA1F),  # extensions B-F, compatibility supplement
    (0x30000, 0x323AF),  # extensions G-H
]

# Noto Sans CJK SC maps only U+00B9, U+00B2, U+00B3 and U+2074 among the
# superscripts/subscripts; it has no subscript digits at all. So that "CO₂" or
# "10⁵" render in this font, the missing ones are synthesised from the
# font's own glyphs (scaled like its U+00B2 superscript two, placed at its
# OS/2 subscript offset). Only code points the font lacks are added.
SYNTH = {}
for _cp, _d in zip([0x2070, 0x00B9, 0x00B2, 0x00B3] + list(range(0x2074, 0x207A)),
                   "0123456789"):
    SYNTH[_cp] = (_d, "sup")           # superscript digits (existing ones kept)
for _i, _d in enumerate("0123456789"):
    SYNTH[0x2080 + _i] = (_d, "sub")   # subscript digits
for _off, _src in zip(range(0xA, 0xF), "+\u2212=()"):
    SYNTH[0x2070 + _off] = (_src, "sup")  # superscript + - = ( )
    SYNTH[0x2080 + _off] = (_src, "sub")  # subscript + - = ( )
SYNTH[0x2071] = ("i", "sup")
SYNTH[0x207F] = ("n", "sup")
for _cp, _src in zip([0x2090, 0x2091, 0x2092, 0x2093, 0x2095, 0x2096, 0x2097,
                      0x2098, 0x2099, 0x209A, 0x209B, 0x209C], "aeoxhklmnpst"):
    SYNTH[_cp] = (_src, "sub")       # subscript letters (U+2094 schwa: no source)

SKIP_DIRS = {".git", "target", "node_modules"}


def is_han(cp):
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


def gb2312_level1():
    """The 3,755 level-1 hanzi: GB 2312 rows 0xB0-0xD7 (row 0xD7 ends at 0xD7F9)."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            if row == 0xD7 and cell > 0xF9:
                break
            chars.append(ord(bytes([row, cell]).decode("gb2312")))
    assert len(chars) == 3755, len(chars)
    assert len(set(chars)) == 3755
    assert all(is_han(c) for c in chars)
    return chars


def scan_chars(scan_dir, exclude=()):
    """Non-ASCII, non-control characters in all UTF-8 text files under scan_dir
    (skipping the directories in `exclude` and SKIP_DIRS)."""
    found = set()
    nfiles = 0
    exclude = {os.path.realpath(p) for p in exclude}
    for root, dirs, files in os.walk(scan_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS
                         and os.path.realpath(os.path.join(root, d)) not in exclude)
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
                text = data.decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # binary (e.g. the fonts themselves) or unreadable
            nfiles += 1
            for ch in text:
                cp = ord(ch)
                if cp > 0x7F and ch.isprintable():
                    found.add(cp)
    return found, nfiles


def find_face(ttc_path, family):
    """Font number of the face whose name ID 1 is `family`."""
    n = 0
    while True:
        try:
            font = TTFont(ttc_path, fontNumber=n, lazy=True)
        except Exception:
            break
        try:
            if font["name"].getDebugName(1) == family:
                return n
        finally:
            font.close()
        n += 1
    sys.exit(f"error: no face named {family!r} in {ttc_path}")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _bounds(glyphset, charstring):
    pen = BoundsPen(glyphset)
    charstring.draw(pen)
    return pen.bounds


def synthesize_scripts(font, wanted):
    """Add sub/superscript glyphs for code points in `wanted` that the (already
    subset, CID-keyed CFF) font lacks. Returns the added code points."""
    cmap = font.getBestCmap()
    todo = sorted(cp for cp in wanted
                  if cp in SYNTH and cp not in cmap and ord(SYNTH[cp][0]) in cmap)
    if not todo:
        return []
    top = font["CFF "].cff.topDictIndex[0]
    cs = top.CharStrings
    assert cs.charStringsAreIndexed and hasattr(top, "FDSelect")
    gset = font.getGlyphSet()
    hmtx = font["hmtx"].metrics
    vmtx = font["vmtx"].metrics if "vmtx" in font else None
    vorg = font["VORG"] if "VORG" in font else None

    # Reference transform: the font's own superscript two (U+00B2) vs "2".
    two, sup_two = cmap[ord("2")], cmap[0x00B2]
    b2, bs = _bounds(gset, cs[two]), _bounds(gset, cs[sup_two])
    scale = (bs[3] - bs[1]) / (b2[3] - b2[1])
    sup_dy = bs[1] - scale * b2[1]
    sub_dy = -font["OS/2"].ySubscriptYOffset
    pad = hmtx[sup_two][0] - scale * hmtx[two][0]  # extra advance of the designed glyph

    glyph_order = list(font.getGlyphOrder())
    used = {int(g[3:]) for g in glyph_order if g.startswith("cid")}
    free_cid = 1  # ROS is Adobe-Identity-0: any CID not in use will do
    added = []
    for cp in todo:
        src_char, kind = SYNTH[cp]
        src = cmap[ord(src_char)]
        src_cs, fd_index = cs.getItemAndSelector(src)
        private = src_cs.private
        advance = round(scale * hmtx[src][0] + pad)
        dx = pad / 2
        dy = sup_dy if kind == "sup" else sub_dy
        nominal = getattr(private, "nominalWidthX", 0)
        pen = T2CharStringPen(advance - nominal, None)
        src_cs.draw(TransformPen(pen, (scale, 0, 0, scale, dx, dy)))
        new_cs = pen.getCharString(private=private, globalSubrs=src_cs.globalSubrs)
        while free_cid in used:
            free_cid += 1
        assert free_cid <= 65535, "no free CID"
        name = "cid%05d" % free_cid
        used.add(free_cid)

        cs.charStringsIndex.items.append(new_cs)
        cs.charStrings[name] = len(cs.charStringsIndex.items) - 1
        top.FDSelect.gidArray.append(fd_index)
        top.charset.append(name)
        top.numGlyphs = len(top.charset)
        glyph_order.append(name)
        font.setGlyphOrder(glyph_order)

        b = _bounds(None, new_cs)
        hmtx[name] = (advance, round(b[0]) if b else 0)
        if vmtx is not None:
            origin = vorg.VOriginRecords.get(src, vorg.defaultVertOriginY) if vorg else 880
            vmtx[name] = (vmtx[src][0], round(origin - b[3]) if b else 0)
        for table in font["cmap"].tables:
            if table.isUnicode() and (table.format != 4 or cp <= 0xFFFF):
                table.cmap[cp] = name
        added.append(cp)
    font["OS/2"].recalcUnicodeRanges(font)
    return added


def keep_only_sc_locl(font):
    """Drop the Japanese/Korean/Traditional Chinese/Hong Kong 'locl' lookups.

    The SC face of the collection carries every other region's glyph variants
    behind 'locl' (about 3,200 extra glyphs for this character set, ~40 % of the
    file). Keep only the 'locl' lookups that the default language systems and
    ZHS use; every 'locl' feature then points at those, so the font renders
    Simplified Chinese forms whatever the page's lang, like upstream's
    region-specific Noto Sans SC. Returns the dropped lookup indices."""
    if "GSUB" not in font:
        return []
    table = font["GSUB"].table
    records = table.FeatureList.FeatureRecord
    keep, all_locl = set(), set()
    for rec in records:
        if rec.FeatureTag == "locl":
            all_locl.update(rec.Feature.LookupListIndex)
    for script in table.ScriptList.ScriptRecord:
        langsys = [script.Script.DefaultLangSys] if script.Script.DefaultLangSys else []
        langsys += [r.LangSys for r in script.Script.LangSysRecord if r.LangSysTag == "ZHS "]
        for ls in langsys:
            for i in ls.FeatureIndex:
                if records[i].FeatureTag == "locl":
                    keep.update(records[i].Feature.LookupListIndex)
    for rec in records:
        if rec.FeatureTag == "locl":
            rec.Feature.LookupListIndex = [i for i in rec.Feature.LookupListIndex if i in keep]
            rec.Feature.LookupCount = len(rec.Feature.LookupListIndex)
    return sorted(all_locl - keep)


def subset_one(src, font_number, codepoints, out_path, flavor="woff2"):
    options = subset.Options()
    options.flavor = None if flavor == "otf" else flavor
    options.font_number = font_number
    options.hinting = False          # drop CFF hints (and hinting tables if any)
    options.desubroutinize = True    # compresses better in WOFF2
    # fontTools' default layout features are kept (GPOS kern, palt, halt, vert,
    # vpal, ...; GSUB ccmp, locl, vert, vrt2, ...): they matter for CJK
    # punctuation spacing and proportional Latin. 'locl' is trimmed to the SC
    # forms by keep_only_sc_locl().
    options.name_IDs = ["*"]         # leave the name table as it is
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.recalc_timestamp = False  # reproducible output
    options.recalc_bounds = False

    font = subset.load_font(src, options, dontLoadGlyphNames=True)
    cmap = font.getBestCmap()
    present = sorted(cp for cp in codepoints if cp in cmap)

    keep_only_sc_locl(font)
    sub = subset.Subsetter(options=options)
    sub.populate(unicodes=present)
    sub.subset(font)
    synthesized = synthesize_scripts(font, codepoints)

    out_dir = os.path.dirname(out_path) or "."
    os.makedirs(out_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".subset-", suffix="." + flavor, dir=out_dir)
    os.close(fd)
    try:
        subset.save_font(font, tmp, options)
        glyphs = len(font.getGlyphOrder())
        cmap = font.getBestCmap()
        missing = sorted(cp for cp in codepoints if cp not in cmap)
        font.close()
        if os.path.exists(out_path) and sha256_file(out_path) == sha256_file(tmp):
            os.unlink(tmp)
            status = "unchanged"
        else:
            os.chmod(tmp, 0o644)
            os.replace(tmp, out_path)
            status = "written"
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return present, missing, synthesized, glyphs, status


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src-dir", default="/usr/share/fonts/opentype/noto")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--scan-dir", required=True,
                    help="directory whose text files are scanned for Han characters")
    ap.add_argument("--exclude", action="append", default=[],
                    help="directory under --scan-dir not to scan (repeatable); "
                         "vendor-assets.sh excludes its own outputs so that "
                         "re-running it converges")
    ap.add_argument("--weights", default="Regular,Bold")
    ap.add_argument("--family", default=FACE_FAMILY)
    ap.add_argument("--flavor", choices=["woff2", "otf"], default="woff2",
                    help="woff2 for browsers; otf (uncompressed OpenType/CFF) for "
                         "renderers that cannot read WOFF2")
    ap.add_argument("--summary-json", help="write what was done to this JSON file")
    args = ap.parse_args()

    codepoints = set()
    for lo, hi in FIXED_RANGES:
        codepoints.update(range(lo, hi + 1))
    codepoints.update(FIXED_CHARS)
    level1 = gb2312_level1()
    codepoints.update(level1)

    scanned, nfiles = scan_chars(args.scan_dir, args.exclude)
    scanned_han = {cp for cp in scanned if is_han(cp)}
    extra_han = scanned_han - codepoints
    extra_other = {cp for cp in scanned if not is_han(cp)} - codepoints
    codepoints |= scanned

    print(f"fontTools {fonttools_version}")
    print(f"GB 2312 level-1 hanzi: {len(level1)}")
    print(f"scanned {nfiles} text files under {args.scan_dir}: "
          f"{len(scanned_han)} distinct Han chars ({len(extra_han)} not in GB 2312 level 1"
          + (": " + "".join(chr(c) for c in sorted(extra_han)) if extra_han else "")
          + f"), {len(extra_other)} other extra non-ASCII chars")

    summary = {
        "fonttools": fonttools_version,
        "gb2312_level1": len(level1),
        "scanned_files": nfiles,
        "scanned_han": len(scanned_han),
        "extra_han": "".join(chr(c) for c in sorted(extra_han)),
        "extra_other": len(extra_other),
        "outputs": [],
    }
    for weight in args.weights.split(","):
        src = os.path.join(args.src_dir, f"NotoSansCJK-{weight}.ttc")
        out = os.path.join(args.out_dir, f"NotoSansSC-{weight}.subset.{args.flavor}")
        n = find_face(src, args.family)
        present, missing, synthesized, glyphs, status = subset_one(src, n, codepoints, out, args.flavor)
        missing_han = [cp for cp in missing if is_han(cp)]
        missing_level1 = [cp for cp in missing_han if cp in set(level1)]
        if missing_level1:
            sys.exit(f"error: {src}#{n} lacks GB 2312 level-1 hanzi: "
                     + "".join(chr(c) for c in missing_level1))
        if missing_han:  # found in the scanned files; the browser falls back for them
            print(f"warning: {src}#{n} has no glyph for these Han characters used under "
                  f"{args.scan_dir}: " + "".join(chr(c) for c in missing_han), file=sys.stderr)
        # Check the result really maps the essentials.
        check = TTFont(out)
        cmap = check.getBestCmap()
        for ch in "碳迹C₂—":
            if ord(ch) not in cmap:
                sys.exit(f"error: {out} does not map {ch!r}")
        check.close()
        print(f"{status}: {out}")
        print(f"  source {src} font number {n} ({args.family} {weight})")
        print(f"  {len(present)} code points from the font, {len(synthesized)} synthesised ("
              + "".join(chr(c) for c in synthesized) + f"), {len(missing)} requested but not in the font, "
              f"{glyphs} glyphs, {os.path.getsize(out)} bytes, sha256 {sha256_file(out)}")
        summary["outputs"].append({
            "weight": weight, "source": src, "source_sha256": sha256_file(src),
            "font_number": n, "output": out, "bytes": os.path.getsize(out),
            "sha256": sha256_file(out), "codepoints": len(present) + len(synthesized),
            "synthesized": "".join(chr(c) for c in synthesized), "glyphs": glyphs,
            "status": status,
        })
    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()

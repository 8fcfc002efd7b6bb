// Crawls every console page as every demo persona and checks two things the journeys do not:
//
//   1. Bilingual: in 简体中文 no page shows a Latin-script sentence, outside the allow-list below (units, ids, codes,
//      SKUs, proper nouns, and what the demo's people typed in both languages). Text, titles, placeholders,
//      aria-labels and confirmation questions are all read; elements marked with a `lang` of their own (an English
//      product name shown beside the Chinese one) are skipped, since they say which language they are in.
//   2. Tables fit, in 简体中文 and in English (whose words are longer): at 1366 px and at 390 px, every table either
//      fits its card or sits in a scroll container that
//      scrolls (overflow-x auto) and shows the scroll cue (data-overflowing, set by console.js); no table container
//      is wider than its card, no card wider than the window; and in a table with column priorities (products, labels,
//      what suppliers share) the first figure column is visible without scrolling.
//
//   BASE_URL=http://127.0.0.1:8080 SCREENSHOT_DIR=/tmp/shots node console-crawl.mjs
//
// It follows every same-origin GET link under /console (detail pages included, downloads excluded), at most
// MAX_PER_PATTERN pages per path pattern (ids replaced), for each persona in each organisation it belongs to. It
// changes nothing: it never submits a form except the organisation switcher. Exits non-zero listing every finding.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BASE_URL, SCREENSHOT_DIR, launchChromium, logIn, ok, note, reportFailure, step, watch } from "./journey-kit.mjs";

/** Every demo persona (crates/tanji-cli/src/demo.rs); CRAWL_PERSONAS (comma-separated) crawls only some of them. */
const ALL_PERSONAS = [
  "owner@lvzhou.example",
  "carbon@lvzhou.example",
  "verifier@jinheng.example",
  "viewer@lvzhou.example",
  "zhao@ruihe.example",
  "energy@ruihe.example",
  "owner@zhuyun.example",
  "owner@lvxing.example",
  "ops@tanji.example",
];
const PERSONAS = process.env.CRAWL_PERSONAS
  ? ALL_PERSONAS.filter((persona) => process.env.CRAWL_PERSONAS.split(",").includes(persona))
  : ALL_PERSONAS;

const MAX_PER_PATTERN = 2;
/** Pages the crawl must reach (through the navigation), so that a page dropped from it is noticed. */
const REQUIRED_PATTERNS = [
  "/console/energy",
  "/console/energy/facilities/{id}",
  "/console/energy/facilities/{id}/meters",
  "/console/energy/facilities/{id}/measures",
  "/console/energy/import",
  "/console/energy/live",
];
const visitedPatterns = new Set();
const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];

// ── The allow-list of Latin text on Chinese pages ──────────────────────────────────────────────────────────────
// Each entry is removed from the text before sentences are looked for. Keep entries narrow: a whole sentence here is
// a translation someone forgot.
const ALLOWED = [
  // Units and quantities.
  /\b[kKMGT]?g\s?CO2e?\b/g,
  /\bt\s?CO2e?\b/g,
  /\bCO2e?\b|\bCH4\b|\bN2O\b|\bSF6\b|\bNF3\b|\bHFCs?\b|\bPFCs?\b/g,
  /\b(?:k|M|G)?Wh\b|\bNm³|\bt·km\b|\bkm\b|\bml\b|\bkg\b|\bGJ\b|\bTJ\b|\bMJ\b|\btce\b/g,
  /\bmmBtu\b|\bgal_us\b|\bshort_ton\b|\bscf\b|\bHHV\b|\bNCV\b/g,
  // The declared unit's symbol as typed in the product editor ("1 unit", tanji-units' count of items), and nothing
  // else: "3 units" or "2 unit(s)" on a Chinese page is an English count someone forgot to translate.
  /\b1 unit\b(?![(s])/g,
  // Standards, methods, file formats and proper nouns.
  /\bISO\s?\d{4,5}(?:-\d)?(?::\d{4})?/g,
  /\bGHG Protocol\b|\bPACT\b|\bIPCC\b|\bAR[456]\b|\bSAR\b|\bGWP\d*\b|\bMonte Carlo\b|\bGMRES\b|\bLCA\b/g,
  /\bDESNZ\b|\bDEFRA\b|\bEPA\b|\bMEE\b|\bNBS\b|\bCDP\b|\bSBTi\b|\becoinvent\b/g,
  /\btanji\b|\bREST\b|\bAPI\b|\bOpenAPI\b|\bCSV\b|\bJSON\b|\bTOML\b|\bUTF-8\b|\bGBK\b|\bSHA-256\b|\bQR\b|\bUTC\b|\bSKU\b|\bERP\b|\bID\b|\bURL\b|\bHTTPS?\b/g,
  /\bApache-2\.0\b|\bCC BY(?:-SA)? \d\.\d\b|\bOGL v?\d(?:\.\d)?\b/g,
  // E-mail addresses, ids, codes, factor ids (lower-case-with-dashes), label codes, SKUs and versions.
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g,
  // Hashes, shown shortened (the audit log's content and record hashes): hexadecimal, whatever letters they happen to hold.
  /\b[0-9a-f]{8,64}\b/g,
  /\btanji_[a-z]+_[A-Za-z0-9_-]+/g,
  /\b[a-z0-9]+(?:[-_.][a-z0-9]+)+(?:@\d+)?\b/g,
  /\b[A-Z0-9]{2,}(?:-[A-Z0-9]+)+\b/g,
  /\bv\d+\b/g,
  // Machine names shown on hover or beside their translation (audit actions, scopes).
  /\b[a-z_]+\.[a-z_]+\b/g,
];

// Data quoted as entered or as published is not a console string: the bundled factor library's records (names without
// a Chinese name, publishers, documents, tables, licences, verification notes, quoted from their sources), the example
// files the demo loads (process and flow names, notes), and what the demo's people typed (statements, descriptions).
// They are read from the repository's own files, so a console sentence can never hide among them.
const here = dirname(fileURLToPath(import.meta.url));
function filesUnder(directory, suffix) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(directory, entry.name), suffix)
      : entry.name.endsWith(suffix)
        ? [join(directory, entry.name)]
        : [],
  );
}
function csvCells(text) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const character = text[i];
    if (quoted) {
      if (character === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
      else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === "," || character === "\n") { cells.push(cell); cell = ""; }
    else if (character !== "\r") cell += character;
  }
  cells.push(cell);
  return cells;
}
const QUOTED_DATA = [
  ...filesUnder(join(here, "../crates/tanji-ghg/data"), ".csv").flatMap((file) => csvCells(readFileSync(file, "utf8"))),
  ...[...filesUnder(join(here, "../examples"), ".toml"), join(here, "../crates/tanji-cli/src/demo.rs")].flatMap((file) =>
    // A Rust string's backslash-newline continues it without the next line's indentation.
    [...readFileSync(file, "utf8").replace(/\\\n\s*/g, "").matchAll(/"((?:[^"\\\n]|\\.)*)"/g)].map((match) => match[1]),
  ),
  ...filesUnder(join(here, "../examples"), ".csv").flatMap((file) => csvCells(readFileSync(file, "utf8"))),
].join("\n");

/** Latin-script runs of three or more words that are neither allowed tokens nor quoted data. */
function latinSentences(text) {
  const sentence = /[A-Za-z][A-Za-z'’]+(?:[\s,.;:()/&'’"“”\d%+-]+[A-Za-z][A-Za-z'’]+){2,}/g;
  const found = [];
  for (const run of text.replace(/https?:\/\/\S+/g, " ").match(sentence) || []) {
    // Runs are cut where quoted fields are joined (a citation is publisher, document, edition and table).
    for (const chunk of run.split(/\s*[,;/()"“”]\s*|\s+-\s+/)) {
      if (!chunk.trim() || QUOTED_DATA.includes(chunk.trim())) continue;
      let rest = chunk;
      for (const pattern of ALLOWED) rest = rest.replace(pattern, " ");
      for (const left of rest.match(sentence) || []) found.push(left.trim());
    }
  }
  return found;
}

/** Every piece of text a reader sees or hears on the page (text nodes and the attributes read out or shown). */
function pageTexts() {
  const skip = "script, style, code, pre, kbd, samp, svg, [lang]:not(html), [translate='no'], .lang-switch, textarea";
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\s+/g, " ").trim();
    if (!text || node.parentElement.closest(skip)) continue;
    texts.push(text);
  }
  for (const element of document.body.querySelectorAll("[title], [placeholder], [aria-label], [data-confirm], input[type=submit][value]")) {
    if (element.closest(skip)) continue;
    for (const attribute of ["title", "placeholder", "aria-label", "data-confirm"]) {
      const value = element.getAttribute(attribute);
      if (value) texts.push(value);
    }
  }
  texts.push(document.title);
  return texts;
}

/** What does not fit, as sentences; run in the page. */
function tableFitProblems() {
  const problems = [];
  const viewport = document.documentElement.clientWidth;
  const main = document.querySelector("main");
  const mainBox = main.getBoundingClientRect();
  if (main.scrollWidth > main.clientWidth + 1 || document.documentElement.scrollWidth > viewport + 1) {
    problems.push(`the page is wider than the window (${document.documentElement.scrollWidth} px > ${viewport} px)`);
  }
  // The navigation: when its row is wider than the window it scrolls, the hidden side shows its cue (a fade and an
  // arrow, from console.js's data-more-before/-after), and the current page's entry is in view.
  const navigation = document.querySelector(".sidenav ul");
  if (navigation && navigation.scrollWidth > navigation.clientWidth + 1) {
    const holder = navigation.closest(".sidenav");
    const overflowX = getComputedStyle(navigation).overflowX;
    if (overflowX !== "auto" && overflowX !== "scroll") {
      problems.push(`the navigation is wider than the window and does not scroll (overflow-x: ${overflowX})`);
    }
    const hiddenAfter = navigation.scrollLeft + navigation.clientWidth < navigation.scrollWidth - 1;
    const hiddenBefore = navigation.scrollLeft > 1;
    const cue = (side) => getComputedStyle(holder, side).content;
    if (hiddenAfter && (!holder.hasAttribute("data-more-after") || cue("::after") === "none")) {
      problems.push("the navigation hides entries on its right with no cue");
    }
    if (hiddenBefore && (!holder.hasAttribute("data-more-before") || cue("::before") === "none")) {
      problems.push("the navigation hides entries on its left with no cue");
    }
    const current = navigation.querySelector("[aria-current]");
    if (current) {
      const box = current.getBoundingClientRect();
      const listBox = navigation.getBoundingClientRect();
      if (box.left < listBox.left - 1 || box.right > listBox.right + 1) {
        problems.push("the navigation's entry for the current page is out of sight");
      }
    }
  }
  document.querySelectorAll("main table").forEach((table, index) => {
    if (!table.getClientRects().length) return; // not rendered (a closed <details>, a hidden tab)
    const name = table.id ? `table#${table.id}` : `table ${index + 1}${table.className ? ` (.${table.className.split(" ")[0]})` : ""}`;
    const card = table.closest(".card, figure, .stat") || main;
    const cardBox = card.getBoundingClientRect();
    const wrap = table.closest(".table-wrap");
    if (cardBox.right > Math.min(viewport, mainBox.right) + 1) {
      problems.push(`the card of ${name} is wider than the page (${Math.round(cardBox.right)} px > ${Math.round(Math.min(viewport, mainBox.right))} px)`);
    }
    if (!wrap) {
      const box = table.getBoundingClientRect();
      if (box.right > cardBox.right + 1) {
        problems.push(`${name} overflows its card by ${Math.round(box.right - cardBox.right)} px and has no scroll container`);
      }
      return;
    }
    const wrapBox = wrap.getBoundingClientRect();
    if (wrapBox.right > cardBox.right + 1) {
      problems.push(`the scroll container of ${name} overflows its card by ${Math.round(wrapBox.right - cardBox.right)} px`);
    }
    const overflowing = wrap.scrollWidth > wrap.clientWidth + 1;
    if (overflowing) {
      const overflowX = getComputedStyle(wrap).overflowX;
      if (overflowX !== "auto" && overflowX !== "scroll") {
        problems.push(`${name} is ${wrap.scrollWidth - wrap.clientWidth} px wider than its container, which does not scroll (overflow-x: ${overflowX})`);
      } else if (!wrap.hasAttribute("data-overflowing")) {
        problems.push(`${name} scrolls sideways but shows no scroll cue (data-overflowing is missing)`);
      }
    }
    // The figures stay visible: in a table with column priorities, the first figure cell of the first row is inside
    // the container without scrolling.
    const figure = table.classList.contains("prioritised") && table.querySelector("tbody tr td.num");
    if (figure && figure.getClientRects().length) {
      const box = figure.getBoundingClientRect();
      if (box.left < wrapBox.left - 1 || box.right > wrapBox.right + 1) {
        problems.push(`${name}: its first figure column is out of sight without scrolling (column priorities should keep it visible)`);
      }
    }
  });
  return problems;
}

/** The path pattern a URL counts under: ids, numbers and codes replaced. */
function pattern(url) {
  const path = url.pathname
    .split("/")
    .map((segment) => (/\d/.test(segment) && segment.length > 3 ? "{id}" : segment))
    .join("/");
  const keys = [...url.searchParams.keys()].filter((key) => key !== "notice").sort();
  return keys.length ? `${path}?${keys.join("&")}` : path;
}

/** Whether the crawl follows a link to `url`. */
function followable(url) {
  if (url.origin !== new URL(BASE_URL).origin) return false;
  if (!url.pathname.startsWith("/console")) return false;
  if (url.pathname === "/console/switch") return false;
  // Downloads are not pages.
  return !/\.(csv|json|toml|png|svg)$/.test(url.pathname) && !url.pathname.startsWith("/console/products/examples/");
}

/** The console's languages, and what the crawl checks in each: every check in Chinese, the tables in English. */
const LANGUAGES = [
  { tag: "zh-CN", name: "简体中文", checkLatin: true },
  { tag: "en", name: "English", checkLatin: false },
];

async function crawlOrganisation(page, persona, organisation, language, findings, counts) {
  const seenPatterns = new Map();
  const queue = [new URL("/console", BASE_URL)];
  const queued = new Set([queue[0].href]);
  let visited = 0;
  while (queue.length) {
    const url = queue.shift();
    const key = pattern(url);
    const n = seenPatterns.get(key) || 0;
    if (n >= MAX_PER_PATTERN) continue;
    seenPatterns.set(key, n + 1);
    visitedPatterns.add(key);
    let response;
    try {
      response = await page.goto(url.href, { waitUntil: "load" });
    } catch (error) {
      // A link answered as an attachment (an evidence file, say) is a download, not a page.
      if (String(error.message).includes("Download is starting")) continue;
      throw error;
    }
    visited += 1;
    const where = `${persona} (${organisation}, ${language.tag}) ${url.pathname}${url.search}`;
    if (!response || response.status() >= 400) {
      findings.http.push(`${where}: HTTP ${response ? response.status() : "no answer"}`);
      continue;
    }
    // 1. Latin sentences on the Chinese page.
    if (language.checkLatin) {
      for (const text of await page.evaluate(pageTexts)) {
        for (const sentence of latinSentences(text)) findings.latin.push(`${where}: “${sentence}” in “${text.slice(0, 160)}”`);
      }
    }
    // 2. Tables, at each width.
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await page.waitForTimeout(50);
      // The resize handlers (scroll cues of tables and of the navigation) run before the next frames are drawn.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      for (const problem of await page.evaluate(tableFitProblems)) findings.tables.push(`${where} at ${size.width} px: ${problem}`);
    }
    await page.setViewportSize(WIDTHS[0]);
    // Links to follow.
    const hrefs = await page.evaluate(() => [...document.querySelectorAll("a[href]:not([download])")].map((a) => a.href));
    for (const href of hrefs) {
      const next = new URL(href);
      next.hash = "";
      next.searchParams.delete("notice");
      if (!followable(next) || queued.has(next.href)) continue;
      queued.add(next.href);
      queue.push(next);
    }
  }
  counts.push(`${persona} in ${organisation} (${language.name}): ${visited} pages`);
}

const browser = await launchChromium();
const problems = [];
const findings = { latin: [], tables: [], http: [] };
const counts = [];
let current = null;
let exitCode = 0;
try {
  for (const language of LANGUAGES) for (const persona of PERSONAS) {
    step(`crawl the console in ${language.name} as ${persona}`);
    const context = await browser.newContext({ locale: language.tag, viewport: WIDTHS[0] });
    await context.addCookies([{ name: "tanji_lang", value: language.tag, url: BASE_URL }]);
    const page = watch(await context.newPage(), problems);
    current = page;
    await logIn(page, persona);
    const organisations = await page.evaluate(() =>
      [...document.querySelectorAll('form[action="/console/switch"] option')].map((option) => ({
        id: option.value,
        name: option.textContent.trim(),
      })),
    );
    if (!organisations.length) {
      const name = await page.evaluate(() => document.querySelector(".org-name")?.textContent.trim() || "");
      organisations.push({ id: "", name });
    }
    for (const organisation of organisations) {
      if (organisation.id) {
        await page.goto(`${BASE_URL}/console`, { waitUntil: "load" });
        const select = page.locator('form[action="/console/switch"] select');
        if ((await select.inputValue()) !== organisation.id) {
          // A plain form submission (not htmx's), so that the switch is one whole navigation to wait for.
          await Promise.all([
            page.waitForNavigation({ waitUntil: "load" }),
            page.evaluate((id) => {
              const form = document.querySelector('form[action="/console/switch"]');
              form.querySelector("select").value = id;
              HTMLFormElement.prototype.submit.call(form);
            }, organisation.id),
          ]);
        }
      }
      await crawlOrganisation(page, persona, organisation.name, language, findings, counts);
    }
    ok(counts[counts.length - 1]);
    await context.close();
  }
  step("report");
  for (const line of counts) note(line);
  const report = (title, lines) => (lines.length ? `${title} (${lines.length}):\n  ${lines.join("\n  ")}` : "");
  const failures = [
    report("pages that did not answer", findings.http),
    report("Latin-script sentences on 简体中文 pages", findings.latin),
    report("tables that do not fit", findings.tables),
  ].filter(Boolean);
  const unreached = (process.env.CRAWL_PERSONAS ? [] : REQUIRED_PATTERNS).filter((required) => !visitedPatterns.has(required));
  if (unreached.length) failures.push(`pages the crawl did not reach (${unreached.length}):\n  ${unreached.join("\n  ")}`);
  assert.equal(failures.length, 0, failures.join("\n"));
  assert.equal(problems.length, 0, `problems along the way:\n  ${problems.join("\n  ")}`);
  ok("every 简体中文 page is Chinese, and every table fits in both languages at 1366 px and at 390 px");
} catch (error) {
  exitCode = 1;
  await reportFailure("console-crawl.mjs", error, { problems, page: current, screenshot: "crawl-failure.png", finalStep: "report" });
} finally {
  await browser.close();
}
process.exit(exitCode);

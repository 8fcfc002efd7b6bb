// Browser journey through the GHG inventory of the demo factory (台州瑞禾日用品科技有限公司) in headless Chromium,
// driven by playwright-core.
//
//   BASE_URL=http://127.0.0.1:8080 SCREENSHOT_DIR=/tmp/shots node inventory-journey.mjs
//
// Needs a running, freshly loaded `tanji demo` (run-browser-tests.sh starts one, and runs this after
// console-journey.mjs): it imports a 2026 activity, computes a 2026 inventory and signs off the 2024 version, so a
// second run against the same data directory would find those already done. Exits non-zero with a readable message
// on the first failed step, and then also saves inventory-failure.png of the page it was on into SCREENSHOT_DIR.
//
// What it walks through:
//   1. the energy engineer (editor) goes list → 2025 version → coal-2025-03 → provenance (formula with 44/12,
//      parameters, evidence) in three clicks; the version's charts are drawn; an electricity line cites its factor;
//      the ISO 14064-1 report opens; an editor gets no sign-off form;
//   2. a CSV import with a bad row is refused with a row/column/hint table and changes nothing; a good one-row CSV
//      is imported into 2026;
//   3. a 2026 inventory computed through the form has Scope 2 = 1000 kWh × 0.5617 t/MWh = 0.562 t;
//   4. the verifier (auditor) switches to the factory, signs off the 2024 version through the confirm dialog, and
//      finds no sign-off form on the already verified 2025 version;
//   5. the factor browser finds the East China grid factor (561.7 kg CO2e/MWh) in CN-GRID-EAST;
//   6. on a phone (390×844) the version page does not overflow sideways and its lines table scrolls in its own box;
//   7. after EN, the factor browser's headings, column titles and labels have no Chinese left;
//   8. nothing went wrong on the side: no JavaScript or console errors, 5xx answers, missing assets or stray dialogs.
// Desktop and phone screenshots of the pages are saved as inventory-*.png.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BASE_URL,
  SCREENSHOT_DIR,
  STEP_TIMEOUT,
  assertNoProblems,
  launchChromium,
  logIn,
  note,
  ok,
  pathOf,
  reportFailure,
  squash,
  step,
  watch as watchPage,
} from "./journey-kit.mjs";

const EDITOR = "energy@ruihe.example";
const AUDITOR = "verifier@jinheng.example";
const FACTORY = "台州瑞禾日用品科技有限公司";
const RETAILER = "绿洲超市有限公司";
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

const BAD_CSV = [
  "id,facility,period,source,quantity,unit,data_source,factor",
  "e2e-bad-2026-02,NOPE,2026-02,purchased_electricity,500,kWhh,meter,mee-nbs-2022-grid-cn-grid-east",
  "",
].join("\n");
// The same row with only the facility wrong: an unknown facility must be refused too.
const UNKNOWN_FACILITY_CSV = BAD_CSV.replace(",kWhh,", ",kWh,");
const GOOD_ID = "e2e-elec-2026-01";
const GOOD_CSV = [
  "id,facility,period,source,quantity,unit,data_source,factor",
  `${GOOD_ID},RH-HY,2026-01,purchased_electricity,1000,kWh,meter,mee-nbs-2022-grid-cn-grid-east`,
  "",
].join("\n");

const VERSION_PATH = /^\/console\/inventory\/[0-9a-f-]{36}$/;
const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

// A confirm() this journey does not expect is a problem too (the sign-off sets page.expectedDialog around its own).
function watch(page, problems) {
  return watchPage(page, problems, { failOnDialogs: true });
}

/** Clicks a link and waits until the URL's path satisfies `pathTest` and the page has loaded. */
async function clickTo(page, locator, pathTest, what) {
  await Promise.all([
    page.waitForURL((url) => pathTest(url.pathname), { waitUntil: "load" }).catch(() => {
      throw new Error(`clicking ${what} should lead to the expected page, the URL is ${page.url()}`);
    }),
    locator.click(),
  ]);
}

/** Waits until every [data-chart] element of the page has an ECharts SVG inside, and answers [drawn, total]. */
async function chartsDrawn(page, what) {
  const total = await page.locator("[data-chart]").count();
  assert.ok(total > 0, `${what} should have [data-chart] elements, it has none`);
  await page
    .waitForFunction(
      (n) => document.querySelectorAll('[data-chart][data-drawn="true"] svg').length >= n,
      total,
      { timeout: STEP_TIMEOUT },
    )
    .catch(() => {});
  const drawn = await page.locator('[data-chart][data-drawn="true"] svg').count();
  assert.equal(drawn, total, `every chart of ${what} should be drawn as an SVG inside its [data-chart], ${drawn} of ${total} were`);
  // An ECharts SVG of an empty or zero-sized box has no shapes: each chart should have drawn something.
  const empty = await page.locator("[data-chart]").evaluateAll((elements) =>
    elements
      .filter((element) => {
        const svg = element.querySelector("svg");
        const box = element.getBoundingClientRect();
        return !svg || box.width < 50 || box.height < 50 || svg.querySelectorAll("path, rect, text").length < 3;
      })
      .map((element) => element.getAttribute("data-chart")),
  );
  assert.deepEqual(empty, [], `these charts of ${what} are drawn into a tiny box or have (almost) no shapes: ${empty.join(", ")}`);
  return [drawn, total];
}

/** The rows of table#inventory-versions as { year, version, status, href }. */
async function versionRows(page) {
  return page.locator("table#inventory-versions tbody tr").evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll("td")];
      return {
        year: cells[0]?.textContent.trim(),
        version: cells[1]?.textContent.trim(),
        status: cells[cells.length - 1]?.textContent.trim(),
        href: cells[0]?.querySelector("a")?.getAttribute("href"),
      };
    }),
  );
}

/** The record ids in table#activities (first cell of each row). */
async function activityIds(page) {
  return page.locator("table#activities tbody tr").evaluateAll((rows) =>
    rows.map((row) => row.querySelector("td")?.textContent.trim()).filter(Boolean),
  );
}

async function activitiesOfYear(page, year) {
  await page.goto(`${BASE_URL}/console/activities?year=${year}`);
  await page.locator("section#import").waitFor({ state: "attached" });
  // A year without activities has no table, only a hint to add or import some.
  if ((await page.locator("table#activities").count()) === 0) return [];
  return activityIds(page);
}

/** Uploads a CSV through the import form; answers the HTTP status of the POST. */
async function importCsv(page, name, text) {
  const form = page.locator('section#import form[enctype="multipart/form-data"]');
  await form.locator('input[type="file"][name="file"]').setInputFiles({
    name,
    mimeType: "text/csv",
    buffer: Buffer.from(text, "utf8"),
  });
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/console/activities/import",
    ),
    form.locator('button[type="submit"]').click(),
  ]);
  return response.status();
}

/** The rows of the import error table as { file, row, column, reason, hint }. */
async function importErrors(page) {
  await page.locator("#import-errors table").waitFor({ state: "visible" }).catch(() => {
    throw new Error(`the refused import should show #import-errors with a table (on ${page.url()})`);
  });
  return page.locator("#import-errors tbody tr").evaluateAll((rows) =>
    rows.map((row) => {
      const [file, line, column, reason, hint] = [...row.querySelectorAll("td")].map((td) => td.textContent.trim());
      return { file, row: line, column, reason, hint };
    }),
  );
}

/** The stat tiles of a version page as { label: value }. */
async function stats(page) {
  return page.locator("section.stats .stat").evaluateAll((tiles) =>
    Object.fromEntries(
      tiles.map((tile) => [
        tile.querySelector(".stat-label")?.textContent.trim(),
        tile.querySelector(".stat-value")?.textContent.trim(),
      ]),
    ),
  );
}

/** Width the page's root is wider than the viewport (0 when it fits). */
async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function shot(page, name) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
  ok(`saved ${name}`);
}

const browser = await launchChromium();

const problems = [];
let current = null; // the page a failure screenshot is taken of
let exitCode = 0;
try {
  // 1. From the list to the evidence in three clicks.
  step("1. editor: inventory list → 2025 version → a line → its provenance");
  const context = await browser.newContext({ locale: "zh-CN", viewport: DESKTOP });
  const page = watch(await context.newPage(), problems);
  current = page;
  await logIn(page, EDITOR);
  ok(`logged in as ${EDITOR}`);
  const inventoryNav = page.locator('nav.sidenav a[href="/console/inventory"]');
  await clickTo(page, inventoryNav, (p) => p === "/console/inventory", "the inventory entry of the side navigation");
  await page.locator("table#inventory-versions").waitFor();
  let rows = await versionRows(page);
  const v2025 = rows.find((r) => r.year === "2025" && r.version === "v1");
  const v2024 = rows.find((r) => r.year === "2024" && r.version === "v1");
  assert.ok(v2025, `table#inventory-versions should list 2025 v1, it lists ${JSON.stringify(rows)}`);
  assert.ok(v2024, `table#inventory-versions should list 2024 v1, it lists ${JSON.stringify(rows)}`);
  assert.equal(v2025.status, "已核查", `2025 v1 should be 已核查 (verified), its status is "${v2025.status}"`);
  assert.equal(v2024.status, "未核查", `2024 v1 should be 未核查 (not verified), its status is "${v2024.status}"`);
  ok(`click 1: ${pathOf(page)} lists 2025 v1 (已核查) and 2024 v1 (未核查)`);
  await chartsDrawn(page, "the inventory list");
  await page.waitForTimeout(600); // the charts' entry animation
  await shot(page, "inventory-list.png");

  const yearLink = page.locator("table#inventory-versions tbody tr").filter({ hasText: "已核查" }).locator("td:first-child a", { hasText: "2025" });
  await clickTo(page, yearLink, (p) => p === v2025.href, "the 2025 version link");
  const versionPath = new URL(page.url()).pathname;
  assert.match(versionPath, VERSION_PATH, `the 2025 link should open /console/inventory/{id}, it opened ${versionPath}`);
  const heading = squash(await page.locator("main h1").textContent());
  assert.ok(heading.includes("2025 v1") && heading.includes(FACTORY), `the version page heading should name ${FACTORY} and 2025 v1, it is "${heading}"`);
  ok(`click 2: ${versionPath} — "${heading}"`);
  const [drawn, total] = await chartsDrawn(page, "the 2025 version page");
  ok(`${drawn} of ${total} charts drawn as SVG with shapes inside`);
  const versionStats = await stats(page);
  assert.equal(versionStats["总排放（范围二基于位置） · t CO2e"], "13289.6", `the 2025 total (location-based) should be 13289.6 t (freight per tonne-km from DESNZ 2024), the stats are ${JSON.stringify(versionStats)}`);
  ok("total (location-based) is 13289.6 t CO2e, as in the list");
  await page.waitForTimeout(600);
  await shot(page, "inventory-version.png");

  const lines = page.locator("table#inventory-lines tbody tr");
  assert.ok((await lines.count()) > 10, `table#inventory-lines should list the 2025 lines, it has ${await lines.count()} rows`);
  const coalLink = page.locator("table#inventory-lines tbody a", { hasText: /^coal-2025-03$/ });
  await clickTo(page, coalLink, (p) => p === `${versionPath}/lines/coal-2025-03`, "the coal-2025-03 line");
  ok(`click 3: ${pathOf(page)}`);
  const provHeading = squash(await page.locator("main h1").textContent());
  assert.ok(provHeading.includes("coal-2025-03"), `the provenance page heading should name coal-2025-03, it is "${provHeading}"`);
  const formula = squash(await page.locator("section#formula").textContent());
  assert.ok(formula.includes("44/12"), `the formula of a coal line should convert carbon to CO2 with 44/12, it reads "${formula}"`);
  const parameters = await page.locator("section#formula h3 + ul li").allTextContents();
  const factorText = squash(await page.locator("section#factors").textContent());
  assert.ok(
    parameters.length > 0 || !/^排放因子\s*—$/.test(factorText),
    `the provenance page should show its parameters or its emission factor; parameters: ${JSON.stringify(parameters)}, factors: "${factorText}"`,
  );
  assert.ok(parameters.some((p) => p.includes("OF")), `the coal line's parameters should include the oxidation factor OF, they are ${JSON.stringify(parameters)}`);
  const gasRows = await page.locator("section#gases tbody tr").allTextContents();
  assert.ok(gasRows.some((r) => r.includes("CO2")), `the gases × GWP table should have a CO2 row, it has ${JSON.stringify(gasRows.map(squash))}`);
  const evidence = await page.locator("section#evidence > ul li").allTextContents();
  assert.ok(evidence.length >= 1, "the provenance page should list the line's evidence in section#evidence");
  assert.ok(evidence.some((e) => e.includes("过磅单")), `the coal line's evidence should include the weighbridge ticket (过磅单), it is ${JSON.stringify(evidence)}`);
  ok(`formula with 44/12, ${parameters.length} parameter(s), gases × GWP, evidence: ${evidence.join(" · ")}`);
  await shot(page, "inventory-provenance.png");

  // An electricity line cites its factor (id, value, source).
  await page.goto(`${BASE_URL}${versionPath}/lines/elec-2025-03`);
  const elecFactor = squash(await page.locator("section#factors").textContent());
  assert.ok(elecFactor.includes("mee-nbs-2022-grid-cn-grid-east"), `the electricity line should cite mee-nbs-2022-grid-cn-grid-east, its factor section reads "${elecFactor}"`);
  assert.ok(elecFactor.includes("生态环境部") || elecFactor.includes("MEE"), `the electricity factor should cite its source (生态环境部 / MEE), it reads "${elecFactor}"`);
  ok("elec-2025-03 cites mee-nbs-2022-grid-cn-grid-east and 生态环境部");
  await shot(page, "inventory-provenance-electricity.png");

  // The printable report.
  await page.goto(`${BASE_URL}${versionPath}`);
  const reportLink = page.locator(`header.page-header a[href="${versionPath}/report"]`);
  await clickTo(page, reportLink, (p) => p === `${versionPath}/report`, "the ISO 14064-1 report button");
  const reportHeading = squash(await page.locator("h1").first().textContent());
  assert.ok(reportHeading.includes("ISO 14064-1"), `the report heading should say ISO 14064-1, it is "${reportHeading}"`);
  const sections = await page.locator("h2").allTextContents();
  assert.ok(sections.length >= 8, `the report should have its 8 numbered sections, it has ${sections.length}: ${sections.join(" | ")}`);
  assert.ok(sections.some((s) => s.includes("核查")), `the report should have a verification section, its sections are ${sections.join(" | ")}`);
  ok(`report "${reportHeading}" with ${sections.length} sections`);
  await shot(page, "inventory-report.png");

  // An editor cannot sign off.
  await page.goto(`${BASE_URL}${v2024.href}`);
  await page.locator("section#verification").waitFor();
  assert.equal(await page.locator('form[action$="/verify"]').count(), 0, "an editor should get no sign-off form on the unverified 2024 version");
  ok("an editor gets no sign-off form on 2024 v1");

  // 2. CSV import: a bad file changes nothing; a good one lands in 2026.
  step("2. import a CSV with a bad row, then a good one");
  const before2026 = await activitiesOfYear(page, 2026);
  const before2025 = await activitiesOfYear(page, 2025);
  assert.ok(before2025.length > 0, "the demo should have 2025 activities");
  ok(`before: ${before2025.length} activities in 2025, ${before2026.length} in 2026`);
  let status = await importCsv(page, "bad.csv", BAD_CSV);
  assert.equal(status, 422, `a CSV with an unknown unit should be refused with HTTP 422, the POST answered ${status}`);
  let errors = await importErrors(page);
  const unitError = errors.find((e) => e.column === "unit");
  assert.ok(unitError, `the error table should name the column unit, it lists ${JSON.stringify(errors)}`);
  assert.equal(unitError.file, "bad.csv", `the unit error should name the file bad.csv, it is ${JSON.stringify(unitError)}`);
  assert.equal(unitError.row, "2", `the unit error should name row 2 (the header is row 1), it is ${JSON.stringify(unitError)}`);
  assert.ok(unitError.reason.includes("kWhh"), `the unit error should quote "kWhh", it is ${JSON.stringify(unitError)}`);
  assert.ok(unitError.hint.length > 0, `the unit error should come with a hint, it is ${JSON.stringify(unitError)}`);
  ok(`refused with HTTP 422: row ${unitError.row}, column ${unitError.column}: ${unitError.reason} — hint: ${unitError.hint}`);
  if (!errors.some((e) => e.column === "facility")) {
    note(`the same row's unknown facility "NOPE" is not reported alongside the unit error (${errors.length} error row(s))`);
  }
  assert.equal(await page.locator(".notice-success").count(), 0, "the refused import should not show a .notice-success");
  await shot(page, "inventory-activities-import-errors.png");
  status = await importCsv(page, "unknown-facility.csv", UNKNOWN_FACILITY_CSV);
  assert.equal(status, 422, `a CSV naming the unknown facility NOPE should be refused with HTTP 422, the POST answered ${status}`);
  errors = await importErrors(page);
  const facilityError = errors.find((e) => e.column === "facility");
  assert.ok(facilityError && facilityError.row === "2" && facilityError.reason.includes("NOPE"), `the error table should name row 2, column facility and "NOPE", it lists ${JSON.stringify(errors)}`);
  ok(`unknown facility refused too: row ${facilityError.row}, column facility: ${facilityError.reason}`);
  assert.deepEqual(await activitiesOfYear(page, 2026), before2026, "the refused imports should not have added or removed any 2026 activity");
  assert.deepEqual(await activitiesOfYear(page, 2025), before2025, "the refused imports should not have added or removed any 2025 activity");
  ok("activities of 2025 and 2026 unchanged");

  status = await importCsv(page, "good.csv", GOOD_CSV);
  assert.ok(status === 303 || status === 200, `a good one-row CSV should be imported, the POST answered HTTP ${status}`);
  await page.waitForURL((url) => url.pathname === "/console/activities" && url.searchParams.get("year") === "2026").catch(() => {
    throw new Error(`after importing a 2026 row the page should show /console/activities?year=2026, it is ${page.url()}`);
  });
  await page.locator(".notice-success").waitFor({ state: "visible" }).catch(() => {
    throw new Error("after a successful import a .notice-success should show");
  });
  const after2026 = await activityIds(page);
  assert.deepEqual(after2026.filter((id) => !before2026.includes(id)), [GOOD_ID], `the import should add exactly ${GOOD_ID} to 2026, 2026 now lists ${after2026.join(", ")}`);
  const goodRow = (await page.locator("table#activities tbody tr", { hasText: GOOD_ID }).locator("td").allTextContents())
    .map(squash)
    .filter(Boolean)
    .join(" | ");
  assert.ok(goodRow.includes("黄岩工厂") && goodRow.includes("2026-01") && goodRow.includes("1000 kWh"), `the imported row should show 黄岩工厂, 2026-01 and 1000 kWh, it reads "${goodRow}"`);
  ok(`imported: ${goodRow}`);

  // 3. Compute 2026.
  step("3. compute a 2026 inventory through the form");
  await page.goto(`${BASE_URL}/console/inventory`);
  const compute = page.locator('form[action="/console/inventory/compute"]');
  await compute.locator('input[name="reporting_year"]').fill("2026");
  await compute.locator('input[name="base_years"]').fill("");
  await Promise.all([
    page.waitForURL((url) => VERSION_PATH.test(url.pathname), { waitUntil: "load" }).catch(() => {
      throw new Error(`computing 2026 should redirect to a version page, the URL is ${page.url()}`);
    }),
    compute.locator('button[type="submit"]').click(),
  ]);
  const heading2026 = squash(await page.locator("main h1").textContent());
  assert.ok(heading2026.includes("2026 v1"), `the computed version should be 2026 v1, the heading is "${heading2026}"`);
  const stats2026 = await stats(page);
  const scope2 = stats2026["范围二（基于位置） · t CO2e"];
  assert.equal(scope2, "0.562", `Scope 2 (location-based) of 1000 kWh × 0.5617 t/MWh should be 0.562 t, it is "${scope2}" (stats: ${JSON.stringify(stats2026)})`);
  const scope1 = stats2026["范围一 · t CO2e"];
  assert.ok(Number(scope1) === 0, `the 2026 inventory has only electricity, so Scope 1 should be 0, it is "${scope1}"`);
  const lines2026 = await page.locator("table#inventory-lines tbody a").allTextContents();
  assert.deepEqual(lines2026.map((l) => l.trim()), [GOOD_ID], `the 2026 version should have the one imported line, it has ${lines2026.join(", ")}`);
  ok(`${pathOf(page)}: "${heading2026}", Scope 2 (location) ${scope2} t, one line ${GOOD_ID}`);
  await context.close();

  // 4. The verifier signs off 2024.
  step("4. the verifier signs off the 2024 version");
  const auditorContext = await browser.newContext({ locale: "zh-CN", viewport: DESKTOP });
  const auditor = watch(await auditorContext.newPage(), problems);
  current = auditor;
  await logIn(auditor, AUDITOR);
  ok(`logged in as ${AUDITOR}`);
  const switcher = auditor.locator("select#organisation-switch");
  const options = await switcher.locator("option").allTextContents();
  assert.ok(options.includes(FACTORY) && options.includes(RETAILER), `the organisation switcher should offer ${FACTORY} and ${RETAILER}, it offers ${options.join(", ")}`);
  const selectedName = async () => squash(await switcher.locator("option:checked").textContent());
  const switchTo = async (name) => {
    await Promise.all([
      auditor.waitForNavigation({ waitUntil: "load" }),
      auditor.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/console/switch"),
      switcher.selectOption({ label: name }),
    ]);
    assert.equal(await selectedName(), name, `after choosing ${name} in the switcher it should be the current organisation`);
  };
  if ((await selectedName()) === FACTORY) {
    await switchTo(RETAILER); // exercise the switcher both ways
    ok(`switched to ${RETAILER}`);
  }
  await switchTo(FACTORY);
  ok(`switched to ${FACTORY}`);
  await clickTo(auditor, auditor.locator('nav.sidenav a[href="/console/inventory"]'), (p) => p === "/console/inventory", "the inventory entry of the side navigation");
  rows = await versionRows(auditor);
  const a2024 = rows.find((r) => r.year === "2024" && r.version === "v1");
  const a2025 = rows.find((r) => r.year === "2025" && r.version === "v1");
  assert.ok(a2024 && a2024.status === "未核查", `the auditor should see 2024 v1 as 未核查, the list is ${JSON.stringify(rows)}`);
  await clickTo(auditor, auditor.locator(`table#inventory-versions a[href="${a2024.href}"]`).first(), (p) => p === a2024.href, "the 2024 version link");
  const signOff = auditor.locator('section#verification form[action$="/verify"]');
  assert.equal(await signOff.count(), 1, "the auditor should get a sign-off form on the unverified 2024 version");
  const confirmText = await signOff.getAttribute("data-confirm");
  assert.ok(confirmText, "the sign-off form should ask for confirmation (data-confirm)");
  const statement = `ISO 14064-3 有限保证：2024 年排放已核查（浏览器测试 ${Date.now()}）。`;
  await signOff.locator('textarea[name="statement"]').fill(statement);
  auditor.expectedDialog = true;
  await Promise.all([
    auditor.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `${a2024.href}/verify`).catch(() => {
      throw new Error(`accepting the confirm dialog should POST ${a2024.href}/verify; dialogs seen: ${JSON.stringify(auditor.seenDialogs)}`);
    }),
    signOff.locator('button[type="submit"]').click(),
  ]);
  auditor.expectedDialog = false;
  assert.deepEqual(auditor.seenDialogs, [confirmText], `the sign-off should ask "${confirmText}" once, the dialogs were ${JSON.stringify(auditor.seenDialogs)}`);
  await auditor.waitForLoadState("load");
  await auditor.locator("main h1 .badge-ok").waitFor({ state: "visible" }).catch(async () => {
    throw new Error(`after signing off, the heading should carry the verified badge, it is "${squash(await auditor.locator("main h1").textContent())}" (on ${auditor.url()})`);
  });
  assert.equal(squash(await auditor.locator("main h1 .badge-ok").textContent()), "已核查", "the verified badge should read 已核查");
  const verification = squash(await auditor.locator("section#verification").textContent());
  assert.ok(verification.includes(statement), `the verification section should show the statement, it reads "${verification}"`);
  assert.ok(verification.includes(AUDITOR), `the verification section should name the verifier ${AUDITOR}, it reads "${verification}"`);
  assert.equal(await auditor.locator('form[action$="/verify"]').count(), 0, "a signed-off version should no longer offer the sign-off form");
  ok(`signed off after the dialog "${confirmText}"; badge 已核查 and the statement show`);
  await auditor.goto(`${BASE_URL}/console/inventory`);
  rows = await versionRows(auditor);
  assert.equal(rows.find((r) => r.href === a2024.href)?.status, "已核查", `the list should now show 2024 v1 as 已核查, it is ${JSON.stringify(rows)}`);
  await auditor.goto(`${BASE_URL}${a2025.href}`);
  await auditor.locator("section#verification").waitFor();
  assert.equal(await auditor.locator('form[action$="/verify"]').count(), 0, "the already verified 2025 version should offer no sign-off form");
  assert.ok(squash(await auditor.locator("section#verification").textContent()).includes("ISO 14064-3"), "the 2025 version should show its verification statement");
  ok("the list shows 2024 v1 as 已核查; 2025 v1 has no sign-off form");
  await auditorContext.close();

  // 5 and 6 as the editor again, with phone screenshots.
  step("5. factor browser: 电网 in CN-GRID-EAST");
  const context2 = await browser.newContext({ locale: "zh-CN", viewport: DESKTOP });
  const editor = watch(await context2.newPage(), problems);
  current = editor;
  await logIn(editor, EDITOR);
  await editor.goto(`${BASE_URL}/console/factors?q=${encodeURIComponent("电网")}`);
  const search = editor.locator('form[action="/console/factors"]');
  assert.equal(await search.locator('input[name="q"]').inputValue(), "电网", "the factor search box should keep the query 电网");
  await search.locator('select[name="region"]').selectOption("CN-GRID-EAST");
  await Promise.all([
    editor.waitForURL((url) => url.pathname === "/console/factors" && url.searchParams.get("region") === "CN-GRID-EAST", { waitUntil: "load" }),
    search.locator('button[type="submit"]').click(),
  ]);
  const factorRows = await editor.locator("table#factors tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.replace(/\s+/g, " ").trim())),
  );
  assert.ok(factorRows.length > 0, "searching 电网 in CN-GRID-EAST should find factors");
  const east = factorRows.find((cells) => cells[0].includes("mee-nbs-2022-grid-cn-grid-east"));
  assert.ok(east, `the East China 2022 grid factor should be found, the rows are ${JSON.stringify(factorRows.map((c) => c[0]))}`);
  assert.equal(east[1], "561.7 kg CO2e/MWh", `the East China 2022 grid factor should be 561.7 kg CO2e/MWh, it is "${east[1]}"`);
  // Columns: factor, per unit, values by gas, region ("华东电网 CN-GRID-EAST"), year, source, verification.
  const otherRegions = factorRows.filter((cells) => !cells[3].endsWith("CN-GRID-EAST")).map((cells) => cells[3]);
  assert.deepEqual(otherRegions, [], "filtering by CN-GRID-EAST should show only that region");
  ok(`${factorRows.length} factor(s) in CN-GRID-EAST, including 561.7 kg CO2e/MWh`);
  await shot(editor, "inventory-factors.png");

  // 6. Phone.
  step("6. phone (390×844): screenshots, no sideways overflow, the lines table scrolls in its box");
  const phone = watch(await context2.newPage(), problems);
  current = phone;
  await phone.setViewportSize(PHONE);
  await phone.goto(`${BASE_URL}/console/inventory`);
  await chartsDrawn(phone, "the inventory list on a phone");
  await phone.waitForTimeout(600);
  await shot(phone, "inventory-list-phone.png");
  await phone.goto(`${BASE_URL}${versionPath}`);
  await chartsDrawn(phone, "the version page on a phone");
  await phone.waitForTimeout(600);
  const overflow = await horizontalOverflow(phone);
  assert.ok(overflow <= 1, `the version page should not be wider than the phone: document.documentElement.scrollWidth exceeds innerWidth by ${overflow}px`);
  const scroller = await phone.locator("table#inventory-lines").evaluate((table) => {
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.overflowX === "auto" || style.overflowX === "scroll") {
        return { className: el.className, clientWidth: el.clientWidth, scrollWidth: el.scrollWidth, tableWidth: table.scrollWidth };
      }
    }
    return null;
  });
  assert.ok(scroller, "table#inventory-lines should sit inside a horizontally scrolling container (overflow-x: auto or scroll)");
  assert.ok(scroller.clientWidth <= PHONE.width, `the lines table's scroll container should fit the phone, it is ${scroller.clientWidth}px wide`);
  ok(`no overflow (${overflow}px); lines table (${scroller.tableWidth}px) scrolls inside .${scroller.className} (${scroller.clientWidth}px)`);
  await shot(phone, "inventory-version-phone.png");
  await phone.goto(`${BASE_URL}${versionPath}/lines/coal-2025-03`);
  await shot(phone, "inventory-provenance-phone.png");
  const provOverflow = await horizontalOverflow(phone);
  if (provOverflow > 1) note(`the provenance page is ${provOverflow}px wider than the phone`);
  await phone.goto(`${BASE_URL}${versionPath}/report`);
  await shot(phone, "inventory-report-phone.png");
  const reportOverflow = await horizontalOverflow(phone);
  if (reportOverflow > 1) note(`the report is ${reportOverflow}px wider than the phone`);
  await phone.goto(`${BASE_URL}/console/activities?year=2026`);
  status = await importCsv(phone, "bad.csv", BAD_CSV);
  assert.equal(status, 422, `on the phone too, the bad CSV should be refused with HTTP 422, it answered ${status}`);
  await importErrors(phone);
  await shot(phone, "inventory-activities-import-errors-phone.png");
  const importOverflow = await horizontalOverflow(phone);
  if (importOverflow > 1) note(`the activities page with import errors is ${importOverflow}px wider than the phone`);
  await phone.goto(`${BASE_URL}/console/factors?q=${encodeURIComponent("电网")}&region=CN-GRID-EAST`);
  await phone.locator("table#factors").waitFor();
  await shot(phone, "inventory-factors-phone.png");
  const factorsOverflow = await horizontalOverflow(phone);
  if (factorsOverflow > 1) note(`the factor browser is ${factorsOverflow}px wider than the phone`);
  await phone.close();
  current = editor;

  // 7. English.
  step("7. the factor browser and a version page in English");
  await Promise.all([
    editor.waitForNavigation({ waitUntil: "load" }),
    editor.click('form.lang-switch button[name="lang"][value="en"]'),
  ]);
  assert.equal(await editor.evaluate(() => document.documentElement.lang), "en", "after choosing EN the page should have <html lang=\"en\">");
  assert.equal(new URL(editor.url()).pathname, "/console/factors", `choosing EN should stay on the factor browser, it went to ${editor.url()}`);
  const headings = (await editor.locator("main h1, main h2, table#factors th, main form label").evaluateAll((els) =>
    els.map((el) => el.cloneNode(true)).map((el) => {
      el.querySelectorAll("input, select, textarea").forEach((field) => field.remove());
      return el.textContent.replace(/\s+/g, " ").trim();
    }),
  )).filter(Boolean);
  const chinese = headings.filter((h) => CJK.test(h));
  assert.deepEqual(chinese, [], `in English the factor browser's headings, column titles and labels should have no Chinese; these do: ${chinese.join(" | ")}`);
  ok(`English: ${headings.slice(0, 4).join(" | ")} …`);
  await shot(editor, "inventory-factors-en.png");
  await editor.goto(`${BASE_URL}${versionPath}`);
  await chartsDrawn(editor, "the English version page");
  await editor.waitForTimeout(600);
  await shot(editor, "inventory-version-en.png");
  // Back to Chinese, leaving the demo user as it was.
  await Promise.all([
    editor.waitForNavigation({ waitUntil: "load" }),
    editor.click('form.lang-switch button[name="lang"][value="zh-CN"]'),
  ]);
  await context2.close();
  current = null;

  step("8. no JavaScript errors, console errors, server errors, missing assets or unexpected dialogs along the way");
  assertNoProblems(problems);
  ok("none");

  console.log("\n✔ inventory journey passed");
} catch (error) {
  exitCode = 1;
  await reportFailure("inventory journey", error, {
    problems,
    page: current,
    screenshot: "inventory-failure.png",
    finalStep: "8.",
  });
} finally {
  await browser.close().catch(() => {});
}
process.exit(exitCode);

// Browser journey through product carbon footprints in headless Chromium, driven by playwright-core.
//
//   BASE_URL=http://127.0.0.1:8080 SCREENSHOT_DIR=/tmp/shots node footprint-journey.mjs
//
// Needs a running, freshly loaded `tanji demo` (run-browser-tests.sh starts one). It changes the demo: the retailer's
// carbon manager loads the bamboo-fibre cup example, builds a second product in the editor, computes and publishes
// it, and the verifier signs the cup off; a second run against the same data directory finds the example's SKUs
// taken (it then opens the cup that is there). Exits non-zero with a readable message on the first failed step, and
// then also saves footprint-failure.png of the page it was on into SCREENSHOT_DIR.
//
// What it walks through:
//   1. the carbon manager (绿洲超市, editor) opens 产品碳足迹 from the side navigation, sees what a product footprint
//      is (or the products already there), loads the bamboo-fibre cup example, and opens the cup and its footprint:
//      total per cup with its 95 % range, six charts drawn (the Monte Carlo histogram with its percentiles marked and
//      the contribution Sankey among them), a comparison with the wood-pulp cup;
//   2. from a number to its factor in three clicks: the raw-material stage figure → its lines → a line's formula and
//      exchange as entered → the factor in the factor library, with citation and licence on the way;
//   3. a new product built in the model editor: a row added (the cursor lands in it), an unknown factor refused with
//      its path, message and hint and the typed values kept, then saved as version 1, computed with Monte Carlo
//      (9 kWh × 561.7 kg CO2e/MWh = 5.055 kg CO2e per piece) and published through the confirm dialog: the label
//      code, its public page /l/{code} (answers 200) and the artwork links;
//   4. the verifier (auditor) signs the cup's footprint off through the confirm dialog, and gets no edit forms;
//   5. the factory's energy engineer opens the demo's own cup, verified and published;
//   6. the same pages in English have no Chinese in their headings; then back to Chinese;
//   7. on a phone (390×844) the footprint page does not overflow sideways;
//   8. nothing went wrong on the side: no JavaScript or console errors, 5xx answers, missing assets or stray dialogs.
// Screenshots of each page are saved as footprint-*.png, in Chinese and in English.
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

const CARBON_MANAGER = "carbon@lvzhou.example";
const AUDITOR = "verifier@jinheng.example";
const ENERGY_ENGINEER = "energy@ruihe.example";
const RETAILER = "绿洲超市有限公司";
const CUP_SKU = "RH-CUP-BF-250";
const GRID_EAST = "mee-nbs-2022-grid-cn-grid-east";
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const FOOTPRINT_PATH = /^\/console\/footprints\/[0-9a-f-]{36}$/;
const PRODUCT_PATH = /^\/console\/products\/[0-9a-f-]{36}$/;
const CJK = /[\u3400-\u9fff]/;

function watch(page, problems) {
  return watchPage(page, problems, { failOnDialogs: true });
}

/** Clicks and waits until the URL's path satisfies `pathTest` and the page has loaded. */
async function clickTo(page, locator, pathTest, what) {
  await clickToUrl(page, locator, (url) => pathTest(url.pathname), what);
}

/** Clicks and waits for a URL other than the current one that satisfies `urlTest`, and for the page to load. */
async function clickToUrl(page, locator, urlTest, what) {
  const before = page.url();
  await Promise.all([
    page.waitForURL((url) => url.href !== before && urlTest(url), { waitUntil: "load" }).catch(() => {
      throw new Error(`clicking ${what} should lead to the expected page, the URL is ${page.url()}`);
    }),
    locator.click(),
  ]);
}

/** Clicks a submit button of a form that posts to the page's own URL and waits for the answer to load. */
async function submitInPlace(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
}

/** Submits a form whose data-confirm dialog must be accepted, and waits for the page after it. */
async function submitConfirmed(page, form, pathTest, what) {
  const question = await form.getAttribute("data-confirm");
  assert.ok(question, `${what} should ask for confirmation (data-confirm)`);
  page.expectedDialog = true;
  page.seenDialogs = [];
  await clickTo(page, form.locator('button[type="submit"]'), pathTest, what);
  page.expectedDialog = false;
  assert.deepEqual(page.seenDialogs, [question], `${what} should ask "${question}" once, the dialogs were ${JSON.stringify(page.seenDialogs)}`);
}

/** Waits until every [data-chart] element has drawn an SVG with shapes; answers how many. */
async function chartsDrawn(page, what) {
  const total = await page.locator("[data-chart]").count();
  assert.ok(total > 0, `${what} should have charts`);
  await page
    .waitForFunction((n) => document.querySelectorAll('[data-chart][data-drawn="true"] svg').length >= n, total, { timeout: STEP_TIMEOUT })
    .catch(() => {});
  const empty = await page.locator("[data-chart]").evaluateAll((elements) =>
    elements
      .filter((element) => {
        const svg = element.querySelector("svg");
        const box = element.getBoundingClientRect();
        return !svg || box.width < 50 || box.height < 50 || svg.querySelectorAll("path, rect, text").length < 3;
      })
      .map((element) => element.getAttribute("data-chart")),
  );
  assert.deepEqual(empty, [], `these charts of ${what} are not drawn or have (almost) no shapes: ${empty.join(", ")}`);
  await page.waitForTimeout(600); // the charts' entry animation
  return total;
}

async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function shot(page, name) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
  ok(`saved ${name}`);
}

/** The texts of the page's headings, table headers and form labels (fields removed), for the language check. */
async function labels(page) {
  return (
    await page.locator("main h1 .badge, main h2, main h3, main th, main label, main .stat-label, main figcaption").evaluateAll((elements) =>
      elements.map((element) => {
        const copy = element.cloneNode(true);
        // Fields, ids and the other language's names (shown small beside the reader's) are data, not labels.
        copy.querySelectorAll("input, select, textarea, code, small").forEach((field) => field.remove());
        return copy.textContent.replace(/\s+/g, " ").trim();
      }),
    )
  ).filter(Boolean);
}

async function switchLanguage(page, lang) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(`form.lang-switch button[name="lang"][value="${lang}"]`)]);
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `after choosing ${lang} the page should have <html lang="${lang}">`);
}

/** Makes `organisation` the current one of a member of several, through the switcher. */
async function useOrganisation(page, organisation) {
  const switcher = page.locator("#organisation-switch");
  if ((await switcher.count()) === 0) return;
  const current = await switcher.evaluate((select) => select.options[select.selectedIndex].textContent.trim());
  if (current === organisation) return;
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), switcher.selectOption({ label: organisation })]);
}

const browser = await launchChromium();
const problems = [];
let current = null;
let exitCode = 0;
try {
  // 1. The products list, the example, the cup.
  step("1. carbon manager: 产品碳足迹 → load the cup example → the cup → its footprint");
  const context = await browser.newContext({ locale: "zh-CN", viewport: DESKTOP });
  const page = watch(await context.newPage(), problems);
  current = page;
  await logIn(page, CARBON_MANAGER);
  ok(`logged in as ${CARBON_MANAGER}`);
  const nav = page.locator('nav.sidenav a[href="/console/products"]');
  assert.equal(squash(await nav.textContent()), "产品碳足迹", "the side navigation should offer 产品碳足迹");
  await clickTo(page, nav, (p) => p === "/console/products", "产品碳足迹 in the side navigation");
  if ((await page.locator(".fp-empty").count()) > 0) {
    const explanation = squash(await page.locator(".fp-empty").textContent());
    assert.ok(explanation.includes("声明单位") && explanation.includes("温室气体"), `the empty state should explain a footprint per declared unit, it reads "${explanation}"`);
    assert.ok((await page.locator('section#examples a[href$="bamboo-fibre-cup.toml"]').count()) === 1, "the empty state should offer the example files");
    ok(`empty state: "${explanation.slice(0, 60)}…" with the example files`);
    await shot(page, "footprint-empty-zh.png");
  } else {
    note("the retailer already has products; no empty state to see");
  }
  const cupRow = page.locator("table#products-table tbody tr", { hasText: CUP_SKU });
  if ((await cupRow.count()) === 0) {
    const load = page.locator('section#examples form:has(input[name="name"][value="bamboo-fibre-cup"]) button[type="submit"]');
    await clickTo(page, load, (p) => PRODUCT_PATH.test(p), "载入示例 of the bamboo-fibre cup");
    await page.locator(".notice-success", { hasText: "示例已载入" }).waitFor();
    ok(`example loaded: ${pathOf(page)}`);
  } else {
    note(`${CUP_SKU} is already there (a second run); opening it`);
    await clickTo(page, cupRow.locator("td:first-child a"), (p) => PRODUCT_PATH.test(p), `the ${CUP_SKU} link`);
  }
  const cupPath = new URL(page.url()).pathname;
  const heading = squash(await page.locator("main h1").textContent());
  assert.ok(heading.includes("竹纤维纸杯") && heading.includes(CUP_SKU), `the product page should be the cup's, its heading is "${heading}"`);
  const modelText = squash(await page.locator("section#model").textContent());
  for (const stage of ["原材料获取", "生产制造", "包装", "分销运输", "废弃处置"]) {
    assert.ok(modelText.includes(stage), `the model table should show the stage ${stage}`);
  }
  assert.ok(modelText.includes(GRID_EAST), `the model table should name the factors, e.g. ${GRID_EAST}`);
  ok("the cup's model is shown by life-cycle stage with its factors");
  await shot(page, "footprint-product-zh.png");

  const headline = page.locator('.fp-headline a.stat[href^="/console/footprints/"]').first();
  await clickTo(page, headline, (p) => FOOTPRINT_PATH.test(p), "the latest footprint figure");
  const footprintPath = new URL(page.url()).pathname;
  const total = squash(await page.locator("#total-figure").textContent());
  assert.equal(total, "17.34", `the cup's footprint should be 17.34 g CO2e per cup, the page shows ${total}`);
  const hero = squash(await page.locator(".fp-hero").textContent());
  assert.ok(hero.includes("每只杯") && hero.includes("g CO2e"), `the total should be per cup in g CO2e, the hero reads "${hero}"`);
  assert.ok((await page.locator(".fp-hero-range").count()) === 1, "the cup was computed with Monte Carlo, so the 95 % range shows");
  const charts = await chartsDrawn(page, "the cup's footprint page");
  assert.equal(charts, 6, `the footprint page should draw the Monte Carlo histogram, the waterfall, processes, origins, contribution Sankey and baseline charts, it has ${charts}`);
  for (const [id, title] of [["monte-carlo-histogram", "蒙特卡洛结果分布"], ["contribution-sankey", "产品系统中的贡献流"]]) {
    assert.equal(await page.locator(`[data-chart="${id}"]`).count(), 1, `the footprint page should have the chart ${id}`);
    assert.ok(squash(await page.locator("main").textContent()).includes(title), `the footprint page should title a chart "${title}"`);
  }
  const markers = await page.locator('[data-chart="monte-carlo-histogram"] svg text').allTextContents();
  for (const marker of ["P2.5", "中位数", "P97.5"]) {
    assert.ok(markers.some((text) => text.includes(marker)), `the histogram should mark ${marker}; its texts are ${markers.join(" | ")}`);
  }
  const comparison = squash(await page.locator("section#comparison").textContent());
  assert.ok(comparison.includes("常规木浆纸杯") && comparison.includes("25.7 %"), `the comparison should name the wood-pulp cup and 25.7 %, it reads "${comparison}"`);
  ok(`${footprintPath}: 17.34 g CO2e per cup, ${charts} charts, 25.7 % below the wood-pulp cup`);
  await shot(page, "footprint-result-zh.png");

  // 2. A number → its lines → a line → its factor.
  step("2. from the raw-material figure to its factor in three clicks");
  const rawMaterial = page.locator("table#stage-table tbody tr", { hasText: "原材料获取" }).locator("td:nth-child(2) a");
  await clickToUrl(page, rawMaterial, (url) => url.pathname === footprintPath && url.searchParams.get("stage") === "raw_material", "the raw-material stage figure");
  const stages = (await page.locator("table#footprint-lines tbody tr td:nth-child(2)").allTextContents()).map(squash);
  assert.ok(stages.length >= 3 && stages.every((s) => s === "原材料获取"), `only raw-material lines should be listed, they are ${JSON.stringify(stages)}`);
  ok(`click 1: ${pathOf(page)} lists ${stages.length} raw-material lines`);
  const withFactor = page.locator("table#footprint-lines tbody tr:has(td.fp-source a)").first().locator("td:first-child a");
  await clickTo(page, withFactor, (p) => p === `${footprintPath}/line`, "the first line that uses a factor");
  const formula = squash(await page.locator("section#formula .fp-formula").textContent());
  assert.match(formula, /× .* kg CO2e\/.* = .* kg CO2e/, `the line page should show its arithmetic, it reads "${formula}"`);
  const entered = squash(await page.locator("section#entered").textContent());
  assert.ok(entered.includes("amount") && entered.includes("factor"), `the line page should show the exchange as entered, it reads "${entered}"`);
  const factorSection = squash(await page.locator("section#factor").textContent());
  assert.ok(factorSection.includes("许可") && factorSection.length > 80, `the line page should cite the factor with its licence, it reads "${factorSection}"`);
  ok(`click 2: ${pathOf(page)} — ${formula}`);
  await shot(page, "footprint-line-zh.png");
  const factorLink = page.locator("#factor-link");
  const factorId = squash(await factorLink.textContent()).split("@")[0];
  await clickTo(page, factorLink, (p) => p === "/console/factors", "the factor link");
  const factorRows = squash(await page.locator("table#factors").textContent());
  assert.ok(factorRows.includes(factorId), `click 3 should find ${factorId} in the factor library, the table reads "${factorRows.slice(0, 200)}"`);
  ok(`click 3: the factor library shows ${factorId}`);

  // 3. A product built in the editor, computed and published.
  step("3. a new product built in the model editor, computed with Monte Carlo and published");
  await page.goto(`${BASE_URL}/console/products`);
  const sku = `LZ-E2E-${Date.now()}`;
  const createForm = page.locator('form[action="/console/products"]');
  await createForm.locator('input[name="sku"]').fill(sku);
  await createForm.locator('input[name="name_zh"]').fill("绿选甘蔗渣餐盒");
  await createForm.locator('input[name="name_en"]').fill("Bagasse lunch box");
  await clickTo(page, createForm.locator('button[type="submit"]'), (p) => PRODUCT_PATH.test(p), "新建产品");
  const productPath = new URL(page.url()).pathname;
  await page.locator(".notice-success", { hasText: "产品已创建" }).waitFor();
  ok(`created ${sku}: ${productPath}`);
  await clickTo(page, page.locator(`header.page-header a[href="${productPath}/model"]`), (p) => p === `${productPath}/model`, "建立模型");
  const editor = page.locator("form#model-editor");
  await editor.locator('input[name="product.mass_per_declared_unit_kg"]').fill("0.012");
  await editor.locator('input[name="processes[0].name_zh"]').fill("模压成型");
  await editor.locator('input[name="processes[0].name_en"]').fill("Moulding");
  await submitInPlace(page, editor.locator('button[name="op"][value="add:0:factors"]'));
  const focused = await page.evaluate(() => document.activeElement?.getAttribute("name"));
  assert.equal(focused, "processes[0].factors[0].factor", `after adding a row the cursor should be in it, it is in ${focused}`);
  assert.equal(await editor.locator('input[name="processes[0].name_zh"]').inputValue(), "模压成型", "adding a row should keep what was typed");
  ok("a row was added, the cursor is in it, nothing typed was lost");
  await editor.locator('input[name="processes[0].factors[0].factor"]').fill("no-such-factor");
  await editor.locator('input[name="processes[0].factors[0].amount"]').fill("9");
  await editor.locator('input[name="processes[0].factors[0].unit"]').fill("kWh");
  await editor.locator('input[name="processes[0].factors[0].note"]').fill("模压机电耗 moulding press");
  await editor.locator('input[name="note"]').fill("第一版模型（浏览器测试）");
  await submitInPlace(page, editor.locator('button[name="op"][value="save"]').first());
  assert.equal(new URL(page.url()).pathname, `${productPath}/model`, `a refused save should stay in the editor, the URL is ${page.url()}`);
  const problemRows = (await page.locator("#model-problems tbody tr").allTextContents()).map(squash);
  const factorProblem = problemRows.find((row) => row.includes("processes[0].factors[0].factor"));
  assert.ok(factorProblem && factorProblem.includes("no-such-factor"), `the unknown factor should be refused at its path, the problems are ${JSON.stringify(problemRows)}`);
  const kept = page.locator('form#model-editor input[name="processes[0].factors[0].factor"]');
  assert.equal(await kept.inputValue(), "no-such-factor", "the refused value should stay in the form");
  assert.equal(await kept.getAttribute("aria-invalid"), "true", "the refused field should be marked");
  assert.equal(await page.locator('form#model-editor input[name="processes[0].name_zh"]').inputValue(), "模压成型", "nothing typed is lost");
  ok(`refused: ${factorProblem}`);
  await shot(page, "footprint-editor-problems-zh.png");
  await kept.fill(GRID_EAST);
  await clickTo(page, page.locator('form#model-editor button[name="op"][value="save"]').first(), (p) => p === productPath, "保存为版本 1");
  await page.locator(".notice-success", { hasText: "已保存为版本 1" }).waitFor().catch(() => {
    throw new Error(`after saving, the product page should say 已保存为版本 1 (on ${page.url()})`);
  });
  ok("saved as version 1");
  const computeForm = page.locator(`form[action="${productPath}/compute"]`);
  assert.ok(await computeForm.locator('input[name="monte_carlo"]').isChecked(), "Monte Carlo should be ticked by default");
  await clickTo(page, computeForm.locator('button[type="submit"]'), (p) => FOOTPRINT_PATH.test(p), "计算碳足迹");
  const newFootprintPath = new URL(page.url()).pathname;
  const newTotal = squash(await page.locator("#total-figure").textContent());
  assert.equal(newTotal, "5.055", `9 kWh × 561.7 kg CO2e/MWh should be 5.055 kg CO2e, the page shows ${newTotal}`);
  ok(`computed: ${newFootprintPath} shows 5.055 kg CO2e`);
  await submitConfirmed(page, page.locator(`form[action="${newFootprintPath}/publish"]`), (p) => p === newFootprintPath, "发布碳标签");
  const publicUrl = squash(await page.locator("#public-url").textContent());
  const code = publicUrl.split("/l/")[1];
  assert.ok(code && code.length === 8, `the published label should show its public URL /l/{code}, it shows "${publicUrl}"`);
  assert.equal(await page.locator(`section#label a[href="/l/${code}/label.svg"]`).count(), 1, "the label's SVG artwork should be linked");
  assert.equal(await page.locator(`section#label a[href="/l/${code}/label.png"]`).count(), 1, "the label's PNG artwork should be linked");
  const publicPage = await page.request.get(`${BASE_URL}/l/${code}`);
  assert.equal(publicPage.status(), 200, `the public label page /l/${code} should answer 200, it answered ${publicPage.status()}`);
  ok(`published: label ${code}, ${publicUrl} answers 200`);
  await chartsDrawn(page, "the new product's footprint page");
  await shot(page, "footprint-published-zh.png");

  // 4. The verifier signs the cup off.
  step("4. the verifier signs the cup's footprint off");
  const auditorContext = await browser.newContext({ locale: "zh-CN", viewport: DESKTOP });
  const auditor = watch(await auditorContext.newPage(), problems);
  current = auditor;
  await logIn(auditor, AUDITOR);
  await useOrganisation(auditor, RETAILER);
  await auditor.goto(`${BASE_URL}${footprintPath}`);
  assert.equal(await auditor.locator(`form[action="${footprintPath}/publish"]`).count(), 0, "an auditor should get no publish form");
  await auditor.goto(`${BASE_URL}${cupPath}`);
  assert.equal(await auditor.locator(`form[action="${cupPath}/compute"]`).count(), 0, "an auditor should get no compute form");
  assert.equal(await auditor.locator(`a[href="${cupPath}/model"]`).count(), 0, "an auditor should get no model editor");
  await auditor.goto(`${BASE_URL}${footprintPath}`);
  const verifyForm = auditor.locator(`form[action="${footprintPath}/verify"]`);
  if ((await verifyForm.count()) === 1) {
    await verifyForm.locator('input[name="verifier_organisation"]').fill("第三方核查（浏览器测试）");
    await verifyForm.locator('textarea[name="statement"]').fill("依据 ISO 14067:2018 核查，有限保证。");
    await submitConfirmed(auditor, verifyForm, (p) => p === footprintPath, "签署为已核查");
    await auditor.locator(".notice-success", { hasText: "碳足迹已核查签署" }).waitFor();
    assert.equal(squash(await auditor.locator("main h1 .badge-ok").textContent()), "已核查", "the heading should now carry 已核查");
    ok("signed off; the footprint shows 已核查");
  } else {
    note("the cup's footprint was already signed off (a second run)");
  }
  await shot(auditor, "footprint-verified-zh.png");
  await auditorContext.close();
  current = page;

  // 5. The factory's own cup, from the demo.
  step("5. the factory's energy engineer opens the demo's cup");
  const factoryContext = await browser.newContext({ locale: "zh-CN", viewport: DESKTOP });
  const factory = watch(await factoryContext.newPage(), problems);
  current = factory;
  await logIn(factory, ENERGY_ENGINEER);
  await factory.goto(`${BASE_URL}/console/products`);
  const demoCup = factory.locator("table#products-table tbody tr", { hasText: CUP_SKU });
  if ((await demoCup.count()) > 0) {
    const label = squash(await demoCup.locator("td:last-child").textContent());
    assert.ok(label.includes("已发布"), `the demo cup should be published, its label cell reads "${label}"`);
    await shot(factory, "footprint-products-factory-zh.png");
    await clickTo(factory, demoCup.locator("td:nth-child(3) a"), (p) => FOOTPRINT_PATH.test(p), "the demo cup's footprint");
    assert.equal(squash(await factory.locator("main h1 .badge-ok").first().textContent()), "已核查", "the demo cup's footprint is verified");
    await chartsDrawn(factory, "the demo cup's footprint page");
    ok(`the demo cup: ${pathOf(factory)}, verified and published (${label})`);
    await shot(factory, "footprint-demo-cup-zh.png");
  } else {
    note("the demo has no footprints for the factory yet; nothing to open");
  }
  await factoryContext.close();
  current = page;

  // 6. English.
  step("6. the same pages in English");
  await page.goto(`${BASE_URL}${footprintPath}`);
  await switchLanguage(page, "en");
  for (const [path, name] of [
    [footprintPath, "footprint-result-en.png"],
    [cupPath, "footprint-product-en.png"],
    [`${productPath}/model`, "footprint-editor-en.png"],
    ["/console/products", "footprint-products-en.png"],
  ]) {
    await page.goto(`${BASE_URL}${path}`);
    const chinese = (await labels(page)).filter((text) => CJK.test(text));
    assert.deepEqual(chinese, [], `in English ${path} should have no Chinese in its headings, column titles and labels; these do: ${chinese.join(" | ")}`);
    if (path === footprintPath) await chartsDrawn(page, "the English footprint page");
    await shot(page, name);
  }
  await page.goto(`${BASE_URL}${footprintPath}`);
  await page.locator("table#footprint-lines tbody tr:has(td.fp-source a) td:first-child a").first().click();
  await page.waitForURL((url) => url.pathname === `${footprintPath}/line`, { waitUntil: "load" });
  await shot(page, "footprint-line-en.png");
  ok("English pages have English headings and labels");
  await switchLanguage(page, "zh-CN");

  // 7. Phone.
  step("7. the footprint page on a phone");
  const phoneContext = await browser.newContext({ locale: "zh-CN", viewport: PHONE, isMobile: true, hasTouch: true });
  const phone = watch(await phoneContext.newPage(), problems);
  current = phone;
  await logIn(phone, CARBON_MANAGER);
  await phone.goto(`${BASE_URL}${footprintPath}`);
  await chartsDrawn(phone, "the footprint page on a phone");
  assert.equal(await phone.locator('[data-chart="contribution-sankey"] svg').count(), 1, "the Sankey draws on a phone");
  assert.equal(await phone.locator('[data-chart="monte-carlo-histogram"] svg').count(), 1, "the histogram draws on a phone");
  const overflow = await horizontalOverflow(phone);
  assert.ok(overflow <= 1, `the footprint page should not overflow sideways on a phone, it is ${overflow}px too wide`);
  ok("no sideways overflow at 390 px");
  await shot(phone, "footprint-result-phone.png");
  await phoneContext.close();
  await context.close();
  current = null;

  step("8. no JavaScript errors, console errors, server errors, missing assets or unexpected dialogs along the way");
  assertNoProblems(problems);
  ok("none");
  console.log("\n✔ footprint journey passed");
} catch (error) {
  exitCode = 1;
  await reportFailure("footprint journey", error, { problems, page: current, screenshot: "footprint-failure.png", finalStep: "8." });
} finally {
  await browser.close().catch(() => {});
}
process.exit(exitCode);

// The shopper's journey (SPEC.md §1, story item 4): scan the carbon label's QR code on a phone, read the footprint
// and the reduction in Chinese and in English, open the verify view, and look at the label artwork itself.
//
//   BASE_URL=http://127.0.0.1:8080 SCREENSHOT_DIR=shots LABEL_CODE=K7M29XQD [PLAIN_LABEL_CODE=…] node label-journey.mjs
//
// LABEL_CODE is a verified label with a baseline (the demo's bamboo-fibre cup), PLAIN_LABEL_CODE optionally a
// self-declared one (the demo's bagasse plate). run-browser-tests.sh reads both from the demo database.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BASE_URL, SCREENSHOT_DIR, assertNoProblems, launchChromium, ok, reportFailure, squash, step, watch } from "./journey-kit.mjs";

const LABEL_CODE = process.env.LABEL_CODE || "";
const PLAIN_LABEL_CODE = process.env.PLAIN_LABEL_CODE || "";
if (!LABEL_CODE) {
  console.error("LABEL_CODE is not set (the code of a published label, e.g. LABEL_CODE=K7M29XQD)");
  process.exit(2);
}
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const problems = [];
const browser = await launchChromium();
let page;

/** Opens `path` on a fresh phone page in `locale`, checks the public-page rules, and returns the page. */
async function openPublic(path, locale, { expectStatus = 200 } = {}) {
  const context = await browser.newContext({ ...PHONE, locale });
  // Chromium logs a 404 document as a console error: only pages expected to load are watched for problems.
  page = await context.newPage();
  if (expectStatus === 200) watch(page, problems);
  const foreign = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(BASE_URL) && !request.url().startsWith("data:")) foreign.push(request.url());
  });
  const response = await page.goto(`${BASE_URL}${path}`);
  assert.equal(response.status(), expectStatus, `${path} answered ${response.status()}`);
  assert.equal(await page.locator("script").count(), 0, `${path} has no script`);
  assert.deepEqual(await context.cookies(), [], `${path} sets no cookie`);
  assert.deepEqual(foreign, [], `${path} loads nothing from elsewhere`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${path} is wider than the phone by ${overflow}px`);
  return page;
}

async function shoot(name) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
  ok(`screenshot ${name}`);
}

try {
  step("scan the cup's label: the page in Chinese");
  await openPublic(`/l/${LABEL_CODE}?lang=zh`, "zh-CN");
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  const figure = squash(await page.locator(".figure").innerText());
  assert.match(figure, /\d[\d.,]*\s*(g|kg|t) CO₂e/, `the footprint is shown: ${figure}`);
  const hero = squash(await page.locator(".hero").innerText());
  assert.match(hero, /已经第三方核查/, "the verified badge");
  assert.match(hero, /比常规产品减少 \d+%/, "the reduction badge, worded as on the printed label");
  assert.ok((await page.locator(".chart svg").count()) >= 2, "the stage bars and the range are drawn");
  ok(`footprint: ${figure}`);
  await shoot("label-phone-zh.png");
  await page.screenshot({ path: join(SCREENSHOT_DIR, "label-phone-zh-first-screen.png") });

  step("switch to English with the link");
  await Promise.all([page.waitForURL(/lang=en/), page.click('nav.lang a[hreflang="en"]')]);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.match(squash(await page.locator(".hero").innerText()), /Third-party verified/);
  await shoot("label-phone-en.png");

  step("an English phone gets English without asking");
  await openPublic(`/l/${LABEL_CODE}`, "en-GB");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  ok("Accept-Language picks English");

  step("open the verify view");
  await openPublic(`/l/${LABEL_CODE}?lang=zh`, "zh-CN");
  await Promise.all([page.waitForURL(/\/verify/), page.click(`a.button[href*="/verify"]`)]);
  const status = squash(await page.locator(".status").first().innerText());
  assert.match(status, /记录完整/, `the record is intact: ${status}`);
  assert.ok((await page.locator("table.chain tbody tr").count()) >= 1, "the chain table has rows");
  await page.locator("details summary").click();
  await shoot("label-verify-phone-zh.png");
  await openPublic(`/l/${LABEL_CODE}/verify?lang=en`, "en");
  await page.locator("details summary").click();
  await shoot("label-verify-phone-en.png");

  if (PLAIN_LABEL_CODE) {
    step("a self-declared label");
    await openPublic(`/l/${PLAIN_LABEL_CODE}?lang=en`, "en");
    assert.match(squash(await page.locator(".hero").innerText()), /Self-declared/);
    // A comparison shown to the public needs verification: the plate has a baseline, but its page shows no
    // reduction and says why.
    assert.equal(await page.locator(".badge-reduction").count(), 0, "a self-declared label should claim no reduction");
    assert.match(squash(await page.locator("#comparison-not-verified").innerText()), /not been verified by a third party/);
    await shoot("label-plain-phone-en.png");
  }

  step("an unknown code is a friendly page");
  await openPublic("/l/ZZZZ2222?lang=zh", "zh-CN", { expectStatus: 404 });
  assert.match(squash(await page.locator("main").innerText()), /二维码下方/);
  await shoot("label-unknown-phone-zh.png");

  step("the page on a desktop screen");
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    page = watch(await context.newPage(), problems);
    await page.goto(`${BASE_URL}/l/${LABEL_CODE}`);
    await shoot("label-desktop-zh.png");
  }

  step("the label artwork");
  {
    const context = await browser.newContext({ viewport: { width: 760, height: 520 } });
    page = watch(await context.newPage(), problems);
    const png = await page.request.get(`${BASE_URL}/l/${LABEL_CODE}/label.png?dpi=300`);
    assert.equal(png.status(), 200);
    assert.equal(png.headers()["content-type"], "image/png");
    assert.match(png.headers()["content-disposition"], /tanji-label-[0-9A-Z]{8}-v\d+\.png/);
    const bytes = await png.body();
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG");
    writeFileSync(join(SCREENSHOT_DIR, "label-artwork-300dpi.png"), bytes);
    ok("saved the label PNG as label-artwork-300dpi.png");
    const svg = await page.goto(`${BASE_URL}/l/${LABEL_CODE}/label.svg`);
    assert.equal(svg.headers()["content-type"], "image/svg+xml");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "label-artwork-svg.png") });
    ok("screenshot label-artwork-svg.png");
  }

  step("no problems along the way");
  assertNoProblems(problems);
  ok("no console errors, no failed requests");
} catch (error) {
  await reportFailure("label journey", error, { problems, page, screenshot: "label-journey-failure.png", finalStep: "no problems" });
  process.exitCode = 1;
} finally {
  await browser.close();
}

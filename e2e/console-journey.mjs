// Browser journey through the tanji console in headless Chromium, driven by playwright-core.
//
//   BASE_URL=http://127.0.0.1:8080 SCREENSHOT_DIR=/tmp/shots node console-journey.mjs
//
// Needs a running `tanji demo` (run-browser-tests.sh starts one). Exits non-zero with a readable message on the
// first failed step, and then also saves failure.png of the page it was on into SCREENSHOT_DIR.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BASE_URL,
  SCREENSHOT_DIR,
  STEP_TIMEOUT,
  assertNoProblems,
  launchChromium,
  logIn,
  ok,
  pathOf,
  reportFailure,
  step,
  watch,
} from "./journey-kit.mjs";

const EDITOR = "carbon@lvzhou.example";
const VIEWER = "viewer@lvzhou.example";

async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

/** The names linked from table#facilities, trimmed. */
async function facilityNames(page) {
  return page.locator("table#facilities tbody a").evaluateAll((links) => links.map((a) => a.textContent.trim()));
}

/** Submits the add-facility form and returns the HTTP status of the POST (before any redirect is followed). */
async function submitFacility(page, { name, kind, subdivision, city }) {
  const form = page.locator('form[action="/console/facilities"]');
  await form.locator('input[name="name"]').fill(name);
  await form.locator('select[name="kind"]').selectOption(kind);
  await form.locator('input[name="subdivision"]').fill(subdivision);
  await form.locator('input[name="city"]').fill(city);
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/console/facilities",
    ),
    form.locator('button[type="submit"]').click(),
  ]);
  return response.status();
}

const browser = await launchChromium();

const problems = [];
let current = null; // the page a failure screenshot is taken of
let exitCode = 0;
try {
  // a. English login page, log in as an editor, the overview draws its charts.
  step("a. log in as the editor with an English browser");
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1366, height: 900 } });
  const page = watch(await context.newPage(), problems);
  current = page;
  await page.goto(`${BASE_URL}/login`);
  assert.equal(await htmlLang(page), "en", "the login page of an English browser should have <html lang=\"en\">");
  const loginHeading = (await page.locator("main h1").textContent()).trim();
  assert.equal(loginHeading, "Log in", `the login page of an English browser should say "Log in", its heading is "${loginHeading}"`);
  assert.equal(
    await page.locator('form.lang-switch button[name="lang"][value="en"]').getAttribute("aria-pressed"),
    "true",
    "the EN button of the language switch should be pressed on an English login page",
  );
  ok('login page is English (<html lang="en">, "Log in")');
  await logIn(page, EDITOR);
  assert.ok(pathOf(page).endsWith("/console"), `after logging in the URL should end with /console, it is ${page.url()}`);
  ok(`logged in as ${EDITOR}, now on ${pathOf(page)}`);
  const drawn = page.locator('[data-chart][data-drawn="true"] svg');
  await drawn.first().waitFor({ state: "attached", timeout: STEP_TIMEOUT }).catch(() => {
    throw new Error('the overview charts were not drawn: no [data-chart][data-drawn="true"] svg appeared within 15 s');
  });
  await page
    .waitForFunction(() => document.querySelectorAll('[data-chart][data-drawn="true"] svg').length >= 2, null, {
      timeout: STEP_TIMEOUT,
    })
    .catch(() => {});
  const chartCount = await page.locator("[data-chart]").count();
  const drawnCount = await drawn.count();
  assert.ok(drawnCount >= 2, `at least 2 overview charts should be drawn as SVG, ${drawnCount} of ${chartCount} were`);
  ok(`${drawnCount} of ${chartCount} overview charts drawn as SVG`);

  // e (1/3). Overview screenshot, after the charts' entry animation.
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(SCREENSHOT_DIR, "console-overview.png"), fullPage: true });
  ok("saved console-overview.png");

  // b. Switch to Chinese; the choice sticks.
  step("b. switch the language to Chinese");
  await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.click('form.lang-switch button[name="lang"][value="zh-CN"]'),
  ]);
  assert.equal(await htmlLang(page), "zh-CN", `after choosing 中文 the page should have <html lang="zh-CN"> (on ${pathOf(page)})`);
  assert.equal(
    await page.locator('form.lang-switch button[name="lang"][value="zh-CN"]').getAttribute("aria-pressed"),
    "true",
    "after choosing 中文 the 中文 button of the language switch should be pressed",
  );
  const navLink = page.locator('nav.sidenav a[href="/console/facilities"]');
  assert.equal((await navLink.textContent()).trim(), "设施", "after choosing 中文 the side navigation should show 设施");
  ok(`page is Chinese (<html lang="zh-CN">, nav shows 设施) on ${pathOf(page)}`);
  await page.reload({ waitUntil: "load" });
  assert.equal(await htmlLang(page), "zh-CN", "after a reload the page should still be Chinese (the language choice should stick)");
  assert.equal((await navLink.textContent()).trim(), "设施", "after a reload the side navigation should still show 设施");
  ok("still Chinese after a reload");

  // c. Create a facility, then try the same name again.
  step("c. create a facility, then the same name again");
  await Promise.all([page.waitForURL((url) => url.pathname === "/console/facilities"), navLink.click()]);
  await page.locator("table#facilities").waitFor();
  assert.equal((await page.locator("main h1").textContent()).trim(), "设施", "the facilities page should have the heading 设施");
  ok(`reached ${pathOf(page)} through the navigation`);
  const name = `浏览器测试工厂 ${Date.now()}`;
  const facility = { name, kind: "factory", subdivision: "CN-ZJ", city: "台州" };
  const createStatus = await submitFacility(page, facility);
  assert.ok(createStatus === 303 || createStatus === 200, `creating "${name}" should succeed, the POST answered HTTP ${createStatus}`);
  await page.waitForURL((url) => url.pathname === "/console/facilities" && url.searchParams.get("notice") === "facility_created").catch(() => {
    throw new Error(`after creating a facility the URL should be /console/facilities?notice=facility_created, it is ${page.url()}`);
  });
  await page.locator(".notice-success").waitFor({ state: "visible" }).catch(() => {
    throw new Error("after creating a facility a .notice-success should show");
  });
  const successText = (await page.locator(".notice-success").textContent()).trim();
  ok(`created "${name}" — notice: ${successText}`);
  let names = await facilityNames(page);
  assert.equal(names.filter((n) => n === name).length, 1, `"${name}" should be listed once in table#facilities, the table lists: ${names.join(" | ")}`);
  ok("the new facility is listed in table#facilities");

  // e (2/3). Facilities screenshot, after creating.
  await page.screenshot({ path: join(SCREENSHOT_DIR, "console-facilities.png"), fullPage: true });
  ok("saved console-facilities.png");

  const duplicateStatus = await submitFacility(page, facility);
  assert.ok(
    duplicateStatus === 409 || duplicateStatus === 422,
    `creating a second facility named "${name}" should be refused with HTTP 409 or 422, it answered ${duplicateStatus}`,
  );
  await page.locator(".notice-error").waitFor({ state: "visible" }).catch(() => {
    throw new Error(`after submitting the duplicate name a .notice-error should show (HTTP ${duplicateStatus}, on ${page.url()})`);
  });
  assert.equal(await page.locator(".notice-success").count(), 0, "the refused duplicate should not show a .notice-success");
  const errorText = (await page.locator(".notice-error").first().textContent()).replace(/\s+/g, " ").trim();
  ok(`duplicate refused with HTTP ${duplicateStatus} — error: ${errorText}`);
  if (await page.locator("table#facilities").count()) {
    names = await facilityNames(page);
    assert.equal(names.filter((n) => n === name).length, 1, `on the error page "${name}" should be listed exactly once, the table lists: ${names.join(" | ")}`);
  }
  await page.goto(`${BASE_URL}/console/facilities`);
  names = await facilityNames(page);
  assert.equal(names.filter((n) => n === name).length, 1, `after the refused duplicate "${name}" should be listed exactly once, the table lists: ${names.join(" | ")}`);
  ok("the name is still listed exactly once");

  // d. The facility's own page.
  step("d. open the new facility's page");
  const link = page.locator("table#facilities tbody a").filter({ hasText: name });
  const href = await link.getAttribute("href");
  await Promise.all([page.waitForURL((url) => url.pathname === href), link.click()]);
  await page.locator("main h1").filter({ hasText: name }).waitFor().catch(async () => {
    throw new Error(`the facility page ${href} should show the name "${name}" in its heading, it shows "${await page.locator("main h1").textContent()}"`);
  });
  const facts = await page.locator("dl.facts").evaluate((dl) => {
    const pairs = {};
    for (const dt of dl.querySelectorAll("dt")) {
      const dd = dt.nextElementSibling;
      pairs[dt.textContent.trim()] = dd ? dd.textContent.trim() : null;
    }
    return pairs;
  });
  assert.equal(facts["省份"], "浙江省", `the facility page should show the province 浙江省, its facts are ${JSON.stringify(facts)}`);
  assert.equal(facts["城市"], "台州", `the facility page should show the city 台州, its facts are ${JSON.stringify(facts)}`);
  assert.equal(facts["设施类型"], "工厂", `the facility page should show the kind 工厂, its facts are ${JSON.stringify(facts)}`);
  ok(`${pathOf(page)} shows "${name}", 工厂, 浙江省, 台州`);

  // e (3/3). Phone-sized screenshot of the facilities page, in the same session.
  step("e. phone-sized screenshot of the facilities page");
  const phone = watch(await context.newPage(), problems);
  current = phone;
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${BASE_URL}/console/facilities`);
  await phone.locator("table#facilities").waitFor();
  await phone.screenshot({ path: join(SCREENSHOT_DIR, "console-facilities-phone.png"), fullPage: true });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) {
    console.log(`  ! warning: the phone-sized facilities page is ${overflow}px wider than the 390px viewport`);
  }
  await phone.close();
  current = page;
  ok("saved console-facilities-phone.png");

  // f. Log out; the console is then closed.
  step("f. log out");
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('form[action="/logout"] button')]);
  ok(`logged out, now on ${pathOf(page)}`);
  await page.goto(`${BASE_URL}/console`);
  assert.equal(new URL(page.url()).pathname, "/login", `after logging out, visiting /console should land on /login, it landed on ${page.url()}`);
  assert.equal(await page.locator('form[action="/login"]').count(), 1, "after logging out, /console should show the login form");
  ok(`visiting /console lands on ${pathOf(page)}`);
  await context.close();

  // g. A viewer cannot add facilities.
  step("g. a viewer has no add-facility form");
  const viewerContext = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 900 } });
  const viewerPage = watch(await viewerContext.newPage(), problems);
  current = viewerPage;
  await logIn(viewerPage, VIEWER);
  ok(`logged in as ${VIEWER}`);
  await viewerPage.goto(`${BASE_URL}/console/facilities`);
  await viewerPage.locator("table#facilities").waitFor().catch(() => {
    throw new Error(`the viewer should see table#facilities on /console/facilities (on ${viewerPage.url()})`);
  });
  assert.equal(await viewerPage.locator("section#add").count(), 0, "a viewer should not get the section#add form on the facilities page");
  assert.equal(await viewerPage.locator('form[action="/console/facilities"]').count(), 0, "a viewer should not get a form posting to /console/facilities");
  names = await facilityNames(viewerPage);
  assert.ok(names.includes(name), `the viewer should also see "${name}" in table#facilities, it lists: ${names.join(" | ")}`);
  ok("the viewer sees the facilities, but no add form");
  await viewerContext.close();
  current = null;

  step("h. no JavaScript errors, console errors, server errors or missing assets along the way");
  assertNoProblems(problems);
  ok("none");

  console.log("\n✔ console journey passed");
} catch (error) {
  exitCode = 1;
  await reportFailure("console journey", error, { problems, page: current, screenshot: "failure.png", finalStep: "h." });
} finally {
  await browser.close().catch(() => {});
}
process.exit(exitCode);

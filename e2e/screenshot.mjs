// Takes screenshots of console pages for a person to look at: node screenshot.mjs BASE_URL EMAIL OUT_DIR [paths…]
// In 简体中文, or in the language SCREENSHOT_LANG names (SCREENSHOT_LANG=en); files are named after width and path.
// SCREENSHOT_SELECTOR='[data-chart]' saves each matching element on its own (e.g. every chart) instead of the page.
import { chromium } from "playwright-core";

const [baseUrl, email, outDir, ...paths] = process.argv.slice(2);
const language = process.env.SCREENSHOT_LANG || "zh-CN";
const selector = process.env.SCREENSHOT_SELECTOR || "";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
for (const [label, viewport] of [["desktop", { width: 1366, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
  const context = await browser.newContext({ viewport, locale: language });
  await context.addCookies([{ name: "tanji_lang", value: language, url: baseUrl }]);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "tanji-demo-2026");
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForURL(/\/console/);
  for (const path of paths) {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForTimeout(800);
    const name = path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "root";
    if (selector) {
      const elements = await page.locator(selector).all();
      for (const [index, element] of elements.entries()) {
        await element.scrollIntoViewIfNeeded();
        await element.screenshot({ path: `${outDir}/${language}-${label}-${name}-${index + 1}.png` });
      }
    } else {
      await page.screenshot({ path: `${outDir}/${language}-${label}-${name}.png`, fullPage: true });
    }
  }
  await context.close();
}
await browser.close();

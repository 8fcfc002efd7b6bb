// Takes screenshots of console pages for a person to look at: node screenshot.mjs BASE_URL EMAIL OUT_DIR [paths…]
import { chromium } from "playwright-core";

const [baseUrl, email, outDir, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
for (const [label, viewport] of [["desktop", { width: 1366, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
  const page = await browser.newPage({ viewport, locale: "zh-CN" });
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "tanji-demo-2026");
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForURL(/\/console/);
  for (const path of paths) {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForTimeout(800);
    const name = path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "root";
    await page.screenshot({ path: `${outDir}/${label}-${name}.png`, fullPage: true });
  }
  await page.close();
}
await browser.close();

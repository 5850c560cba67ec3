import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium";
import { type RunningKabar, startKabar } from "./start-kabar";

const adminDir = path.resolve(import.meta.dirname, "..", "..");

// Every run saves its screenshots under screenshots/latest/ (ignored by git), so running the
// tests leaves the tree clean; UPDATE_SCREENSHOTS=1 refreshes the ones the READMEs show.
export const screenshotsDir =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? path.join(adminDir, "screenshots")
    : path.join(adminDir, "screenshots", "latest");

export interface PanelUnderTest {
  browser: Browser;
  kabar: RunningKabar;
  page: Page;
  close(): Promise<void>;
}

/** Chromium, the panel's production build, the real server in simulated-WhatsApp mode, one page. */
export async function startPanelUnderTest(viewport = { width: 1280, height: 860 }): Promise<PanelUnderTest> {
  // Fail first on the missing browser: it is the one thing a developer must install by hand.
  const browser = await launchChromium();
  let kabar: RunningKabar | undefined;
  try {
    // The server serves the production build, so test exactly that (vitest's NODE_ENV=test would
    // otherwise give React's development build).
    execFileSync(path.join(adminDir, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], {
      cwd: adminDir,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: "inherit",
    });
    kabar = await startKabar();
    const page = await (await browser.newContext({ viewport })).newPage();
    const running = kabar;
    return {
      browser,
      kabar: running,
      page,
      async close() {
        await browser.close();
        await running.stop();
      },
    };
  } catch (error) {
    await browser.close();
    await kabar?.stop();
    throw error;
  }
}

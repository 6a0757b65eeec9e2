/**
 * Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core.
 * `findChromium()` returns undefined when it is not installed, so tests can skip with a clear message.
 */
import * as fs from "node:fs";
import type { Browser } from "playwright-core";

export const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
export const CHROMIUM_MISSING = `Chromium not found at ${CHROMIUM_PATHS.join(" or ")}: install Debian's chromium package (apt-get install chromium) to run the browser tests; CI installs it.`;

export function findChromium(): string | undefined {
  return CHROMIUM_PATHS.find((candidate) => fs.existsSync(candidate));
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}

import { accessSync, constants, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { onTestFinished } from "vitest";

/** Debian's package puts its browser here. */
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser the page tests drive, never one downloaded at run time: CHROMIUM_PATH when set (it
 * must then be an executable: a deliberate choice is not silently replaced), else Debian's
 * chromium when installed, else the headless Chromium that `npm ci` brings inside the
 * @sparticuz/chromium package (unpacked into the temporary folder on first use).
 */
export async function chromiumPath(): Promise<string> {
  const chosen = process.env["CHROMIUM_PATH"];
  if (chosen !== undefined && chosen !== "") {
    if (executable(chosen)) return chosen;
    throw new Error(
      `CHROMIUM_PATH=${chosen} is not an executable: point it at a Chromium or unset it`,
    );
  }
  if (existsSync(DEBIAN_CHROMIUM) && executable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  try {
    const packaged = (await import("@sparticuz/chromium")).default;
    return await packaged.executablePath();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `no Chromium: the packaged one (@sparticuz/chromium, installed by npm ci) failed (${why}); install Debian's (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
}

/**
 * Real headless Chromium with a fresh profile (a persistent context on a new user-data-dir),
 * closed and the profile removed when the test ends.
 */
export async function launchChromium(viewport: {
  width: number;
  height: number;
}): Promise<BrowserContext> {
  const executablePath = await chromiumPath();
  const profile = mkdtempSync(path.join(tmpdir(), "geoanomaly-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
  onTestFinished(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return browser;
}

/**
 * What the console's browser tests share: where Debian's chromium is, where screenshots go (a
 * temporary folder, or docs/screenshots/, the README's, with UPDATE_SCREENSHOTS=1, so a test run
 * leaves the checkout as it found it), and waiting on the page from the test's side.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_DIR } from './network';

/** The chromium to drive. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go. */
export const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(REPO_DIR, 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'console-shots-'));

/**
 * Waits until a selector matches exactly `n` elements. Polled from here: the console's CSP forbids
 * the eval a string passed to waitForFunction needs, as it should.
 *
 * @param page - the page
 * @param selector - what to count
 * @param n - how many are awaited
 * @param timeoutMs - how long to wait
 * @throws Error naming the selector and the count found when the time runs out
 */
export async function waitForCount(
  page: Page,
  selector: string,
  n: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = await page.locator(selector).count();
  while (count !== n) {
    if (Date.now() > deadline) {
      throw new Error(`${selector} matched ${count} elements, not ${n}, after ${timeoutMs} ms`);
    }
    await page.waitForTimeout(250);
    count = await page.locator(selector).count();
  }
}

/**
 * Saves a full-page screenshot as `<name>.png` in {@link SHOTS}.
 *
 * @param page - the page
 * @param name - the file's name without extension
 */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';

/** Where the browser tests leave their screenshots (git-ignored; CI keeps them as artifacts). */
export const screenshotDir = join(__dirname, '..', 'test-artifacts', 'screenshots');

const axeSource = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

// WCAG 2.2 A and AA and axe's best practices (landmarks, one h1, ...).
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** The narrowest width WCAG 1.4.10 (reflow) asks pages to work at without scrolling sideways. */
const reflowWidth = 320;

const summary = (violation: Result) => `${violation.impact}: ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`;

// Browser-side code is given as expressions: this project type-checks without the DOM library.

/** axe-core's verdict on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<readonly Result[]> {
  // Evaluated through the DevTools protocol, not as a page script: the pages' CSP (no scripts) stays in force.
  await page.evaluate(axeSource);
  const results = (await page.evaluate(`axe.run(document, ${JSON.stringify({ runOnly: { type: 'tag', values: axeTags } })})`)) as AxeResults;
  return results.violations;
}

/**
 * Checks a page as people with assistive technology or a phone meet it, and keeps a picture of
 * it: a full-page screenshot `<name>.png`, no serious or critical axe-core violation, and at 320
 * CSS pixels no sideways scrolling (`<name>-narrow.png`). The viewport is restored afterwards.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  const serious = (await accessibilityViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect({ page: name, violations: serious.map(summary) }).toEqual({ page: name, violations: [] });

  const viewport = page.viewportSize();
  await page.setViewportSize({ width: reflowWidth, height: 640 });
  const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  expect({ page: name, overflowAt320: overflow }).toEqual({ page: name, overflowAt320: 0 });
  await page.screenshot({ path: join(screenshotDir, `${name}-narrow.png`), fullPage: true });
  if (viewport) await page.setViewportSize(viewport);
}

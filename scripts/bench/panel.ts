/**
 * The web panel's budget (issue 8): the first load of the dashboard transfers ≤ 250 KB and is
 * interactive within 1 s on loopback. Debian's chromium, driven by playwright-core, loads the
 * dashboard with an empty cache in a fresh browser context holding only the session cookie;
 * "interactive" is the moment the module table with its reload buttons is on screen, measured
 * from the navigation start. The median of several cold loads is the figure; a warm (cached)
 * load is reported beside it.
 */
import type { BrowserContext } from 'playwright-core';
import { launchBrowser } from '../../test/modules/panel/browser.ts';
import { startBenchKernel } from './support/kernel.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { median } from './support/stats.ts';

const COLD_LOADS = 5;
const READY = 'tr[data-module="panel"] button';

/** Loads the dashboard in `context`; resolves the bytes received and the ms until it is usable. */
async function load(context: BrowserContext, url: string): Promise<{ bytes: number; ms: number }> {
  const page = await context.newPage();
  let bytes = 0;
  const sizes: Promise<void>[] = [];
  page.on('requestfinished', (request) => {
    sizes.push(request.sizes().then((s) => void (bytes += s.responseBodySize + s.responseHeadersSize)));
  });
  // Timed inside the page as the DOM changes: polling from outside would add its own delay.
  await page.addInitScript((selector) => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector(selector)) return;
      (window as unknown as { readyAt: number }).readyAt = performance.now();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  }, READY);
  await page.goto(url);
  const ms = await (await page.waitForFunction(() => (window as unknown as { readyAt?: number }).readyAt)).jsonValue();
  await page.waitForLoadState('networkidle').catch(() => {}); // the event stream stays open: idle is "nothing else"
  await Promise.all(sizes);
  await page.close();
  return { bytes, ms: Number(ms) };
}

export async function run(): Promise<Figure[]> {
  const [server, browser] = await Promise.all([startBenchKernel(), launchBrowser()]);
  try {
    const { context: loggedIn } = await browser.login(server);
    const cookies = await loggedIn.cookies();
    await loggedIn.close();
    const cold: Array<{ bytes: number; ms: number }> = [];
    let warm = 0;
    for (let i = 0; i < COLD_LOADS; i++) {
      const context = await browser.browser.newContext();
      await context.addCookies(cookies);
      cold.push(await load(context, `${server.url}/`));
      if (i === COLD_LOADS - 1) warm = (await load(context, `${server.url}/`)).ms;
      await context.close();
    }
    return [
      target('panel dashboard first load transferred', median(cold.map((c) => c.bytes)) / 1024, 'KB', '≤', 250, 1),
      target('panel dashboard interactive, cold cache, loopback', median(cold.map((c) => c.ms)), 'ms', '≤', 1000, 0),
      info('panel dashboard interactive, warm cache', warm, 'ms', 0),
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

runIfMain(import.meta.url, run);

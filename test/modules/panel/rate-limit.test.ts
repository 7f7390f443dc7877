import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startServer, type TestServer } from '../../support/server.ts';
import { launchBrowser, type PanelBrowser } from './browser.ts';

/** The page's API answers, as they come. */
function apiAnswers(page: Page): Array<{ path: string; status: number }> {
  const answers: Array<{ path: string; status: number }> = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) answers.push({ path: url.pathname + url.search, status: r.status() });
  });
  return answers;
}

/** Clicks the navigation link `href` and waits until its page has loaded what it shows. */
async function visit(page: Page, href: string): Promise<void> {
  await page.locator(`nav.nav a[href="${href}"]`).click();
  await page.locator(`nav.nav a[href="${href}"][aria-current="page"]`).waitFor();
  await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
}

const navLinks = (page: Page) => page.locator('nav.nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));

describe('web panel under the rate limit', function () {
  this.timeout(180_000);
  let b: PanelBrowser;
  before(async () => {
    b = await launchBrowser();
  });
  after(async () => b?.close());

  describe('the default budgets', () => {
    let s: TestServer;
    before(async () => {
      // Empty values: the defaults (60 per minute for scripts, 600 for the panel).
      s = await startServer({ env: { RATE_LIMIT_MAX: '', PANEL_RATE_LIMIT_MAX: '', RATE_LIMIT_WINDOW_MS: '' } });
    });
    after(async () => s?.stop());

    it('lets a person click through every page for a minute with no error, while a script meets 429 after 60', async () => {
      const { page, context } = await b.login(s);
      const answers = apiAnswers(page);
      const links = await navLinks(page);
      expect(links.length).to.be.at.least(10);
      // The pace of the report (the ten pages four times in twelve seconds): a page every 300 ms at most.
      const until = Date.now() + 60_000;
      let views = 0;
      while (Date.now() < until) {
        for (const href of links) {
          const started = Date.now();
          await visit(page, href);
          expect(await page.locator('[role="alert"], .wait-notice').allTextContents(), `page ${href}`).to.deep.equal([]);
          views += 1;
          await page.waitForTimeout(300 - (Date.now() - started));
        }
      }
      await context.close();
      expect(answers.filter((a) => a.status === 429), `${answers.length} calls in ${views} page views`).to.deep.equal([]);
      expect(answers.length).to.be.above(views); // every page asked the API something, most more than once

      const script = [];
      for (let i = 0; i < 61; i++) script.push((await s.request('GET', '/api/system/status')).status);
      expect(script.slice(0, 60).every((x) => x === 200)).to.equal(true);
      expect(script[60]).to.equal(429);
    });
  });

  describe('a panel session over its budget', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ env: { PANEL_RATE_LIMIT_MAX: '6', RATE_LIMIT_WINDOW_MS: '8000' } });
    });
    after(async () => s?.stop());

    it('waits for Retry-After with a notice, asks again once and shows the page, not an error', async () => {
      const { page, context } = await b.login(s);
      const answers = apiAnswers(page);
      // Nine calls at once, whenever the window started: over the budget of six.
      await page.locator('nav.nav a[href="#/config"]').click();
      await page.locator('nav.nav a[href="#/tools"]').click();
      const notice = page.locator('.wait-notice[role="status"]');
      await notice.filter({ hasText: /trying again in \d+ s/ }).waitFor({ timeout: 5000 });
      await notice.waitFor({ state: 'detached', timeout: 10_000 });
      await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
      expect(await page.locator('[role="alert"]').allTextContents()).to.deep.equal([]);
      // Each call refused was asked again and answered (event streams are EventSource's, not the panel's to retry).
      const refused = answers.filter((a) => a.status === 429 && !/\/(sse|events)$/.test(a.path));
      expect(refused).not.to.deep.equal([]);
      for (const { path } of refused) expect(answers.filter((a) => a.path === path).map((a) => a.status), path).to.include(200);
      await context.close();
    });
  });
});

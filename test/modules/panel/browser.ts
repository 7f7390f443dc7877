/**
 * Debian's chromium driven by playwright-core (no browser download), and logging in the way a
 * user does: a printed login link opened in the page.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createLoginToken } from '../../../kernel/auth/login-tokens.ts';
import { ROOT, type TestServer } from '../../support/server.ts';

export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'panel');

export interface PanelBrowser {
  browser: Browser;
  /** A fresh context (own cookies) logged in through `/login?token=`, on the dashboard. */
  login(s: TestServer, opts?: { groupId?: string; locale?: string; viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<PanelBrowser> {
  await mkdir(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
  });
  return {
    browser,
    async login(s, opts = {}) {
      const context = await browser.newContext({ locale: opts.locale ?? 'en-US', viewport: opts.viewport ?? { width: 1280, height: 860 }, colorScheme: opts.colorScheme ?? 'light' });
      const page = await context.newPage();
      page.on('dialog', (d) => void d.accept());
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary', groupId: opts.groupId });
      await page.goto(`${s.url}/login?token=${token}`);
      await page.waitForURL(`${s.url}/`);
      await page.locator('nav.nav').waitFor();
      return { context, page };
    },
    async close() {
      await browser.close();
    },
  };
}

/** Saves a full-page screenshot as a test artifact (gitignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLoginToken } from '../../../kernel/auth/login-tokens.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { launchBrowser, type PanelBrowser } from './browser.ts';

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string | null): Map<string, string[]> {
  expect(policy, 'Content-Security-Policy').to.be.a('string');
  return new Map(policy!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('panel and login page: CSP and framing', function () {
  this.timeout(120_000);
  let s: TestServer;
  let b: PanelBrowser;

  before(async () => {
    [s, b] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await b?.close();
    await s?.stop();
  });

  for (const path of ['/', '/login']) {
    it(`sends ${path} with a CSP that allows no inline script but its own by hash, refuses framing, and nosniff`, async () => {
      const res = await fetch(s.url + path);
      expect(res.status).to.equal(200);
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors')).to.deep.equal(["'none'"]);
      expect(csp.get('default-src')).to.deep.equal(["'none'"]);
      expect(csp.get('script-src')).not.to.include("'unsafe-inline'");
      expect(csp.get('script-src')!.filter((v) => v.startsWith("'sha256-"))).to.have.length(1); // the import map, or the login script
      expect(csp.get('connect-src')).to.deep.equal(["'self'"]);
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    });
  }

  it('runs the login page and every panel page without a CSP violation', async () => {
    const violations: string[] = [];
    const context = await b.browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => void (m.type() === 'error' && /Content Security Policy/i.test(m.text()) && violations.push(m.text())));
    const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
    await page.goto(`${s.url}/login?token=${token}`);
    await page.waitForURL(`${s.url}/`);
    try {
      await page.locator('nav.nav').waitFor();
      const routes = await page.locator('nav.nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
      expect(routes.length).to.be.above(5);
      for (const route of routes) {
        await page.goto(`${s.url}/${route}`);
        await page.locator('main h1, h1').first().waitFor();
        await page.waitForTimeout(200);
      }
      expect(violations).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('is not shown inside a frame of another site', async () => {
    const framer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><iframe id="panel" src="${s.url}/"></iframe><iframe id="login" src="${s.url}/login?token=x"></iframe>`);
    });
    await new Promise<void>((ok) => framer.listen(0, '127.0.0.1', ok));
    const context = await b.browser.newContext();
    try {
      const page = await context.newPage();
      // localhost, not 127.0.0.1: another site, as an attacker's page would be.
      await page.goto(`http://localhost:${(framer.address() as AddressInfo).port}/`);
      await page.waitForTimeout(1000);
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      expect(frames).to.have.length(2);
      for (const frame of frames) expect(await frame.locator('#app, #message').count(), frame.url()).to.equal(0);
    } finally {
      await context.close();
      await new Promise((ok) => framer.close(ok));
    }
  });
});

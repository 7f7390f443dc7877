/**
 * The Bots page (README.md#web-panel) in Chromium, in English and in Chinese, against the real
 * server with the real onebot module and the OneBot simulator playing NapCat in both directions.
 */
import { expect } from 'chai';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { OneBotSim, textOf } from '../../support/onebot.ts';
import { ROOT, startServer, type TestServer } from '../../support/server.ts';
import { launchBrowser, screenshot, type PanelBrowser } from './browser.ts';

const REVERSE_TOKEN = 'reverse-SECRET-token-5150';
const FORWARD_TOKEN = 'forward-SECRET-token-8086';
const SECRETS = [REVERSE_TOKEN, FORWARD_TOKEN];
const GROUP = { groupId: 20002, name: 'Test group' };

const { ZH } = (await import(pathToFileURL(path.join(ROOT, 'modules/panel/web/lib/zh.js')).href)) as { ZH: Record<string, string> };

const LOCALES = [
  { locale: 'en-US', tr: (text: string) => text, selfIds: [10001, 10002] },
  { locale: 'zh-CN', tr: (text: string) => ZH[text] ?? `(no Chinese text for ${text})`, selfIds: [10011, 10012] },
];

describe('web panel: the Bots page', function () {
  this.timeout(120_000);
  let s: TestServer;
  let b: PanelBrowser;

  before(async () => {
    [s, b] = await Promise.all([startServer(), launchBrowser()]);
    const set = await s.request('PUT', '/api/config', { body: { onebot: { accessToken: REVERSE_TOKEN } } });
    expect(set.status, set.text).to.equal(200);
  });
  after(async () => {
    await b?.close();
    await s?.stop();
  });

  for (const { locale, tr, selfIds } of LOCALES) {
    describe(`in ${locale}`, () => {
      let context: BrowserContext;
      let page: Page;
      /** Every body the page received (HTML, scripts, API answers), to look for secrets in. */
      const received: Promise<string>[] = [];
      const reverse = new OneBotSim({ selfId: selfIds[0], groups: [GROUP] });
      const forward = new OneBotSim({ selfId: selfIds[1], groups: [GROUP] });
      const connectionId = `sim-${locale.slice(0, 2)}`;

      before(async () => {
        ({ context, page } = await b.login(s, { locale }));
        await context.grantPermissions(['clipboard-read', 'clipboard-write']);
        page.on('response', (res) => received.push(res.headers()['content-type']?.includes('event-stream') ? Promise.resolve('') : res.text().catch(() => '')));
        await page.goto(`${s.url}/#/bots`);
        await page.getByRole('heading', { level: 1, name: tr('Bots') }).waitFor();
        // A marker a reload would lose: every change below must arrive without one.
        await page.evaluate(() => ((window as unknown as { sameLoad: boolean }).sameLoad = true));
        await page.locator('[data-live="open"]').waitFor();
      });
      after(async () => {
        await Promise.all([reverse.close(), forward.close()]);
        await context?.close();
      });

      it('names the page in the navigation and shows the reverse URL to paste, and that a token is set', async () => {
        await page.getByRole('navigation').getByRole('link', { name: tr('Bots') }).waitFor();
        const shown = page.getByLabel(tr('Reverse WebSocket URL'));
        const api = (await s.request('GET', '/api/bots/reverse')).body.data;
        expect(await shown.inputValue()).to.equal(api.url);
        expect(api.url).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/onebot\/v11\/ws$/);
        await page.locator('[data-token-set="true"]').waitFor();
        await page.getByRole('button', { name: tr('Copy'), exact: true }).click();
        await page.getByRole('status').filter({ hasText: tr('Copied.') }).waitFor();
        expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(api.url);
      });

      it('shows a bot that connects to that URL as connected, live, and then as gone', async () => {
        const url = await page.getByLabel(tr('Reverse WebSocket URL')).inputValue();
        await reverse.connectReverse(url, { accessToken: REVERSE_TOKEN });
        const row = page.locator(`tr[data-bot="${reverse.selfId}"]`);
        // Within 5 s: sooner than the 10 s counter poll, so the event stream brought it.
        await row.locator('[data-status="connected"]').waitFor({ timeout: 5000 });
        expect(await row.textContent()).to.include(tr('reverse'));
        await reverse.groupMessage({ groupId: GROUP.groupId, userId: 30003, text: 'nobody asked the bot' });
        await page.getByRole('button', { name: tr('Refresh') }).click();
        await row.locator('[data-counter="messagesIn"]').filter({ hasText: /^1$/ }).waitFor();

        await reverse.drop();
        await page.locator(`tr[data-bot="${reverse.selfId}"] [data-status="connected"]`).waitFor({ state: 'detached', timeout: 5000 });
        await reverse.reconnect();
        await row.locator('[data-status="connected"]').waitFor({ timeout: 5000 });
        expect(await page.evaluate(() => (window as unknown as { sameLoad?: boolean }).sameLoad)).to.equal(true);
      });

      it('adds a forward connection to an implementation, which turns connected, and removes it', async () => {
        const url = await forward.serve({ accessToken: FORWARD_TOKEN });
        const form = page.getByRole('form', { name: tr('Add forward connection') });
        await form.getByLabel(`${tr('Id')} *`).fill(connectionId);
        await form.getByLabel(`${tr('URL')} *`).fill(url);
        await form.getByLabel(tr('Access token')).fill(FORWARD_TOKEN);
        await form.getByRole('button', { name: tr('Add connection') }).click();
        const row = page.locator(`tr[data-connection="${connectionId}"]`);
        await row.waitFor();
        expect(await form.getByLabel(tr('Access token')).inputValue()).to.equal('');
        await row.locator('[data-status="connected"]').waitFor({ timeout: 8000 });
        expect(await row.getAttribute('data-bot')).to.equal(String(forward.selfId));
        expect(forward.upgrades.some((u) => u.status === 101)).to.equal(true);
        await screenshot(page, `bots-${locale}`);

        await row.getByRole('button', { name: tr('Remove {id}').replace('{id}', connectionId) }).click(); // the test browser accepts the confirmation
        await row.waitFor({ state: 'detached' });
        await forward.waitDisconnected(5000);
        const left = (await s.request('GET', '/api/bots/connections')).body.data as Array<{ id: string }>;
        expect(left.map((c) => c.id)).not.to.include(connectionId);
      });

      it('sends a test message that the implementation receives, and shows a failure as the API words it', async () => {
        const form = page.getByRole('form', { name: tr('Send a test message') });
        await form.getByLabel(tr('Bot')).selectOption(String(reverse.selfId));
        await form.getByLabel(tr('To')).selectOption('group');
        await form.getByLabel(tr('Group id')).fill(String(GROUP.groupId));
        await form.getByLabel(tr('Message'), { exact: true }).fill('Hello from the panel');
        await form.getByRole('button', { name: tr('Send'), exact: true }).click();
        const sent = await reverse.nextAction('send_group_msg', 5000);
        expect(sent.error).to.equal(undefined);
        expect(Number(sent.params!.group_id)).to.equal(GROUP.groupId);
        expect(textOf(sent.params!.message as never)).to.equal('Hello from the panel');
        await form.locator('.send-result').waitFor();

        reverse.answerNext('send_group_msg', { fail: 100, message: 'the group is muted' }, 2);
        await form.getByRole('button', { name: tr('Send'), exact: true }).click();
        await reverse.nextAction('send_group_msg', 5000);
        const refused = await s.request('POST', `/api/bots/${reverse.selfId}/send`, { body: { groupId: String(GROUP.groupId), message: 'Hello from the panel' } });
        expect(refused.status).to.be.within(400, 599);
        await form.locator('.error-text').filter({ hasText: refused.body.error }).waitFor();
      });

      it('holds no access token in its HTML, scripts, API answers or DOM', async () => {
        const bodies = await Promise.all(received);
        expect(bodies.length).to.be.above(5);
        // Form values are properties, not attributes: page.content() alone would not show a token left in a field.
        const dom = (await page.content()) + (await page.evaluate(() => [...document.querySelectorAll('input, textarea')].map((f) => (f as HTMLInputElement).value).join('\n')));
        for (const secret of SECRETS) {
          expect(dom).not.to.include(secret);
          for (const body of bodies) expect(body).not.to.include(secret);
        }
      });
    });
  }
});

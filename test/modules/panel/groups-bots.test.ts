/**
 * The Groups page lists the groups the connected bots are in (README.md#web-panel), by name and
 * before they have any settings, in English and Chinese: a OneBot simulator bot connects to the
 * real server and answers `get_group_list`; such a group opens and saves like any other.
 */
import { expect } from 'chai';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { OneBotSim } from '../../support/onebot.ts';
import { ROOT, startServer, type TestServer } from '../../support/server.ts';
import { launchBrowser, screenshot, type PanelBrowser } from './browser.ts';

const TOKEN = 'reverse-token-groups-7731';

const { ZH } = (await import(pathToFileURL(path.join(ROOT, 'modules/panel/web/lib/zh.js')).href)) as { ZH: Record<string, string> };

const LOCALES = [
  { locale: 'en-US', tr: (text: string) => text, selfId: 10021, group: { groupId: 20031, name: 'Bot-only group' } },
  { locale: 'zh-CN', tr: (text: string) => ZH[text] ?? `(no Chinese text for ${text})`, selfId: 10022, group: { groupId: 20032, name: '只有机器人的群' } },
];

describe('web panel: the Groups page lists the bots’ groups', function () {
  this.timeout(120_000);
  let s: TestServer;
  let b: PanelBrowser;

  before(async () => {
    [s, b] = await Promise.all([startServer(), launchBrowser()]);
    const set = await s.request('PUT', '/api/config', { body: { onebot: { accessToken: TOKEN } } });
    expect(set.status, set.text).to.equal(200);
  });
  after(async () => {
    await b?.close();
    await s?.stop();
  });

  for (const { locale, tr, selfId, group } of LOCALES) {
    describe(`in ${locale}`, () => {
      let context: BrowserContext;
      let page: Page;
      const bot = new OneBotSim({ selfId, groups: [group] });
      const id = String(group.groupId);

      before(async () => {
        const reverse = (await s.request('GET', '/api/bots/reverse')).body.data.url as string;
        await bot.connectReverse(reverse, { accessToken: TOKEN });
        ({ context, page } = await b.login(s, { locale }));
      });
      after(async () => {
        await bot.close();
        await context?.close();
      });

      it('shows the group by name and bot before it has settings', async () => {
        const configured = (await s.request('GET', '/api/group-admin')).body.data as Array<{ groupId: string }>;
        expect(configured.map((g) => g.groupId)).not.to.include(id);
        await page.goto(`${s.url}/#/groups`);
        await page.getByRole('heading', { level: 1, name: tr('Groups') }).waitFor();
        const row = page.locator(`li[data-group="${id}"]`);
        await row.waitFor({ timeout: 10_000 });
        expect(await row.textContent()).to.include(group.name);
        expect(await row.locator('[data-bots]').textContent()).to.equal(tr('bot {ids}').replace('{ids}', String(selfId)));
        expect(await row.locator('[data-unconfigured]').textContent()).to.equal(tr('no settings yet'));
        await screenshot(page, `groups-bots-${locale}`);
      });

      it('opens that group and saves its first settings', async () => {
        const row = page.locator(`li[data-group="${id}"]`);
        await row.getByRole('button').click();
        const form = page.getByRole('form', { name: tr('Group settings') });
        await form.getByLabel(tr('Group name')).fill(group.name);
        await form.getByRole('button', { name: tr('Save'), exact: true }).click();
        // The list reloads after the save: the group now has settings.
        await row.locator('[data-unconfigured]').waitFor({ state: 'detached', timeout: 10_000 });
        const configured = (await s.request('GET', '/api/group-admin')).body.data as Array<{ groupId: string; groupName?: string }>;
        expect(configured.find((g) => g.groupId === id)?.groupName).to.equal(group.name);
      });
    });
  }
});

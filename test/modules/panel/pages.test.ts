import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createLoginToken } from '../../../kernel/auth/login-tokens.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { startRemoteServer, TOKEN as REMOTE_TOKEN } from '../mcp/remote-server.ts';
import { launchBrowser, screenshot, type PanelBrowser } from './browser.ts';

const CHANNEL_KEY = 'sk-seed-SECRET-1234-abcd';

describe('web panel in a browser', function () {
  this.timeout(120_000);
  let s: TestServer;
  let up: Upstream;
  let b: PanelBrowser;
  let context: BrowserContext;
  let page: Page;

  const open = async (route: string, ready: string) => {
    await page.goto(`${s.url}/#/${route}`);
    await page.locator(ready).first().waitFor();
  };

  before(async () => {
    [s, up, b] = await Promise.all([startServer(), startUpstream({ models: ['gpt-4o', 'gpt-4o-mini'] }), launchBrowser()]);
    const seed = [
      s.request('POST', '/api/channels', { body: { id: 'seed', name: 'Seed channel', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: CHANNEL_KEY, models: ['gpt-4o'] } }),
      s.request('POST', '/api/memories/user/u1', { body: { content: 'likes green tea', category: 'preferences' } }),
      s.request('PUT', '/api/group-admin/g1/config', { body: { groupName: 'Tea lovers' } }),
    ];
    for (const res of await Promise.all(seed)) expect(res.status).to.be.within(200, 201);
    expect((await s.request('POST', '/api/chat', { body: { message: 'hello there', userId: 'u1' } })).status).to.equal(200);
    ({ context, page } = await b.login(s));
  });
  after(async () => {
    await b?.close();
    await Promise.all([s?.stop(), up?.close()]);
  });

  it('logs in through a printed link: the cookie is HttpOnly and the token left the address bar', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'auth_token')!;
    expect(cookie.httpOnly).to.equal(true);
    expect(cookie.sameSite).to.equal('Strict');
    expect(page.url()).to.equal(`${s.url}/`);
    expect(await page.evaluate(() => document.cookie)).not.to.include('auth_token');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.to.include(cookie.value);
  });

  it('dashboard: status, modules with their state and reload, live module events', async () => {
    await open('', 'tr[data-module="panel"]');
    expect(await page.locator('tr[data-module="channels"] .badge').textContent()).to.equal('loaded');
    await page.locator('[data-live="open"]').waitFor();
    await page.getByRole('button', { name: 'Reload presets' }).click();
    await page.locator('li[data-event="module-loaded"]').filter({ hasText: 'presets' }).waitFor();
    await page.waitForFunction(() => document.querySelector('tr[data-module="presets"] td:nth-child(4)')?.textContent === '1');
    await screenshot(page, 'dashboard');
  });

  it('configuration: a generated section form saves, and a field error shows the envelope error', async () => {
    await open('config', 'form[aria-label="Basic"]');
    const prefix = page.locator('input[data-path="commandPrefix"]');
    expect(await prefix.inputValue()).to.equal('#ai');
    await prefix.fill('#bot');
    await page.getByRole('button', { name: 'Save section' }).click();
    await page.getByRole('status').filter({ hasText: 'basic.commandPrefix' }).waitFor();
    expect((await s.request('GET', '/api/config/basic')).body.data.commandPrefix).to.equal('#bot');
    await prefix.fill('');
    await page.getByRole('button', { name: 'Save section' }).click();
    const api = await s.request('PUT', '/api/config', { body: { basic: { commandPrefix: '' } } });
    expect(api.status).to.equal(400);
    await page.locator('.error-text').filter({ hasText: api.body.error }).waitFor();
    expect(await page.locator('.field.invalid .field-error').first().textContent()).to.equal(api.body.details[0].message);
    await page.locator('tr').filter({ hasText: 'current' }).waitFor();

    // A hand edit of config.json is announced live and loaded on request.
    const file = path.join(s.dataDir, 'config.json');
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...onDisk, basic: { ...onDisk.basic, commandPrefix: '#disk' } }, null, 2));
    const notice = page.locator('[data-outside-change]');
    await notice.filter({ hasText: 'basic.commandPrefix' }).waitFor();
    await notice.getByRole('button', { name: 'Load it' }).click();
    await page.waitForFunction(() => (document.querySelector('input[data-path="commandPrefix"]') as HTMLInputElement)?.value === '#disk');
    await screenshot(page, 'config');
  });

  it('channels: shows stored keys masked, adds a channel, tests it with the upstream answer', async () => {
    await open('channels', 'tr[data-channel="seed"]');
    expect(await page.locator('tr[data-channel="seed"] .api-key').textContent()).to.equal('sk-****abcd');
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.locator('form[aria-label="New channel"]');
    await form.getByLabel('Name *').fill('Local');
    await form.getByLabel('Id (optional)').fill('local');
    await form.getByLabel('Base URL').fill(up.baseUrl('openai'));
    await form.getByLabel('API key').fill('sk-panel-SECRET-9876-wxyz');
    await form.getByLabel('Models (one per line)').fill('gpt-4o-mini');
    await form.getByRole('button', { name: 'Add channel' }).click();
    const row = page.locator('tr[data-channel="local"]');
    await row.waitFor();
    expect(await row.locator('.api-key').textContent()).to.equal('sk-****wxyz');
    expect(await page.content()).not.to.include('SECRET');
    up.setDefault({ text: 'Pong from upstream' });
    await row.getByRole('button', { name: 'Test' }).click();
    await row.locator('.test-result').filter({ hasText: 'Pong from upstream' }).waitFor();
    await row.getByRole('button', { name: 'Models' }).click();
    await row.locator('.models-result').filter({ hasText: 'gpt-4o-mini' }).waitFor();
    up.setDefault({ text: 'Hello!' });
    await screenshot(page, 'channels');
  });

  it('presets: create, edit, copy, make default, import and delete; an invalid id shows the API error', async () => {
    await open('presets', 'tr[data-preset="builtin_assistant"]');
    await page.getByRole('button', { name: 'New preset' }).click();
    let form = page.locator('form[aria-label="New preset"]');
    await form.getByLabel('Id (optional)').fill('Bad Id!');
    await form.getByLabel('Name *').fill('Panel preset');
    await form.getByRole('button', { name: 'Create preset' }).click();
    const refused = await s.request('POST', '/api/presets', { body: { id: 'Bad Id!', name: 'Panel preset' } });
    expect(refused.status).to.equal(400);
    await form.locator('.error-text').filter({ hasText: refused.body.error }).waitFor();
    expect(await form.locator('.field.invalid label').first().textContent()).to.equal('Id (optional)');

    await form.getByLabel('Id (optional)').fill('panel-preset');
    await form.getByLabel('System prompt').fill('You are tested by a browser.');
    await form.getByRole('button', { name: 'Create preset' }).click();
    const row = page.locator('tr[data-preset="panel-preset"]');
    await row.waitFor();
    expect((await s.request('GET', '/api/presets/panel-preset')).body.data).to.include({ name: 'Panel preset', systemPrompt: 'You are tested by a browser.' });

    await row.getByRole('button', { name: 'Edit' }).click();
    form = page.locator('form[aria-label="Edit preset"]');
    await form.getByLabel('Name *').fill('Panel preset, edited');
    await form.getByRole('button', { name: 'Save' }).click();
    await row.filter({ hasText: 'Panel preset, edited' }).waitFor();
    expect((await s.request('GET', '/api/presets/panel-preset')).body.data.name).to.equal('Panel preset, edited');

    await row.getByRole('button', { name: 'Copy' }).click();
    await page.locator('tr[data-preset]').filter({ hasText: 'Panel preset, edited (copy)' }).waitFor();
    await row.getByRole('button', { name: 'Make default' }).click();
    await row.locator('.badge').filter({ hasText: 'default' }).waitFor();
    expect((await s.request('GET', '/api/presets/config')).body.data.defaultId).to.equal('panel-preset');
    await page.locator('tr[data-preset="default"]').getByRole('button', { name: 'Make default' }).click();
    await page.locator('tr[data-preset="default"] .badge').filter({ hasText: 'default' }).waitFor();

    const exported = (await s.request('GET', '/api/presets/panel-preset/export')).text;
    await page.getByLabel('Or paste YAML').fill(exported.replace(/^id: panel-preset$/m, 'id: imported-preset'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('tr[data-preset="imported-preset"]').waitFor();
    await page.getByRole('status').filter({ hasText: 'Imported: 1' }).waitFor();
    await screenshot(page, 'presets');

    await row.getByRole('button', { name: 'Delete' }).click(); // the confirmation is accepted by the test browser
    await row.waitFor({ state: 'detached' });
    expect((await s.request('GET', '/api/presets/panel-preset')).status).to.equal(404);
  });

  it('chat: the answer streams in piece by piece, with the tool call and its result shown', async () => {
    await open('chat', 'form[aria-label="Chat"]');
    up.enqueue({ toolCalls: [{ name: 'get_current_time', args: {} }] }, { chunks: ['First ', 'second ', 'third.'], chunkDelayMs: 400, usage: { promptTokens: 12, completionTokens: 3 } });
    await page.getByLabel('Message').fill('What time is it?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-kind="tool-call"]').filter({ hasText: 'get_current_time' }).waitFor();
    await page.locator('[data-kind="tool-result"]').filter({ hasText: 'timestamp' }).waitFor();
    const answer = page.locator('[data-kind="assistant"]');
    // A partial answer is on screen while the rest is still on its way.
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-kind="assistant"]')?.textContent ?? '';
      return text.startsWith('First') && !text.includes('third');
    });
    await answer.filter({ hasText: 'First second third.' }).waitFor();
    // The usage shown is the turn's total (both upstream requests), as stored with the answer.
    await answer.locator('.usage').waitFor();
    const stored = (await s.request('GET', '/api/conversations/user:panel')).body.data.messages.at(-1);
    expect(await answer.locator('.usage').textContent()).to.include(`= ${stored.usage.totalTokens} tokens`);
    await screenshot(page, 'chat');
  });

  it('conversations: lists, reads and deletes one', async () => {
    await open('conversations', 'button[data-conversation="user:u1"]');
    await page.locator('button[data-conversation="user:u1"]').click();
    await page.locator('.msg.user').filter({ hasText: 'hello there' }).waitFor();
    await screenshot(page, 'conversations');
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.locator('button[data-conversation="user:u1"]').waitFor({ state: 'detached' });
    expect((await s.request('GET', '/api/conversations/user:u1')).status).to.equal(404);
  });

  it('tools: a toggle in one page and one through the API both show up live; a call through the schema form is logged', async () => {
    await open('tools', 'li[data-tool="date_add"]');
    await page.locator('[data-live="open"]').waitFor();
    const other = await context.newPage();
    await other.goto(`${s.url}/#/tools`);
    await other.locator('[data-live="open"]').waitFor();

    // The switch follows the server's state: it changes once the toggle is done, not on click.
    await page.getByLabel('Tool date_add').click();
    await page.waitForFunction(() => (document.querySelector('input[aria-label="Tool date_add"]') as HTMLInputElement)?.checked === false);
    await other.waitForFunction(() => (document.querySelector('input[aria-label="Tool date_add"]') as HTMLInputElement)?.checked === false);
    const tools = (await s.request('GET', '/api/tools')).body.data.tools as Array<{ name: string; enabled: boolean }>;
    expect(tools.find((x) => x.name === 'date_add')!.enabled).to.equal(false);

    expect((await s.request('POST', '/api/skills/tools/calculate/toggle', { body: { enabled: false } })).status).to.equal(200);
    await page.waitForFunction(() => (document.querySelector('input[aria-label="Tool calculate"]') as HTMLInputElement)?.checked === false);
    await other.close();

    await page.locator('li[data-tool="text_transform"]').getByRole('button', { name: 'Call' }).click();
    const form = page.locator('form[aria-label="Call text_transform"]');
    await form.locator('[data-path="text"]').fill('Hello panel');
    await form.locator('select[data-path="operation"]').selectOption('uppercase');
    await form.getByRole('button', { name: 'Call text_transform' }).click();
    await form.locator('.tool-output').filter({ hasText: 'HELLO PANEL' }).waitFor();
    await page.locator('tr[data-log="text_transform"]').waitFor();
    await screenshot(page, 'tools');
  });

  it('MCP servers: add a remote server, see its tools, disconnect and connect it live, remove it; a failing add shows the API error', async () => {
    const remote = await startRemoteServer();
    try {
      await open('mcp', 'tr[data-server="builtin"]');
      await page.locator('[data-live="open"]').waitFor();
      const form = page.locator('form[aria-label="Add MCP server"]');
      await form.getByLabel('Name *').fill('broken');
      await form.getByLabel('URL', { exact: true }).fill('not a url');
      await form.getByRole('button', { name: 'Add and connect' }).click();
      await form.locator('.error').waitFor();

      await form.getByLabel('Name *').fill('remote');
      await form.getByLabel('URL', { exact: true }).fill(`${remote.url}/mcp`);
      await form.getByLabel('Headers (Name: value, one per line)').fill(`Authorization: Bearer ${REMOTE_TOKEN}`);
      await form.getByRole('button', { name: 'Add and connect' }).click();
      const row = page.locator('tr[data-server="remote"]');
      await row.locator('[data-status="connected"]').waitFor();
      await row.getByRole('button', { name: 'Tools' }).click();
      await row.locator('li').filter({ hasText: 'Adds two numbers' }).waitFor();
      await screenshot(page, 'mcp');

      await row.getByRole('button', { name: 'Disconnect' }).click();
      await row.locator('[data-status="disconnected"]').waitFor();
      // A change made through the API shows up too.
      expect((await s.request('POST', '/api/mcp/servers/remote/connect')).status).to.equal(200);
      await row.locator('[data-status="connected"]').waitFor();
      await row.getByRole('button', { name: 'Remove' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await s.request('GET', '/api/mcp/servers/remote')).status).to.equal(404);
    } finally {
      await remote.close();
    }
  });

  it('groups and memory: real data, and a memory edited and deleted', async () => {
    await open('groups', 'button.item');
    await page.locator('button.item').filter({ hasText: 'g1' }).click();
    expect(await page.getByLabel('Group name').inputValue()).to.equal('Tea lovers');
    await screenshot(page, 'groups');

    await open('memory', 'button[data-user="u1"]');
    await page.locator('button[data-user="u1"]').click();
    const add = page.locator('form[aria-label="Add memory"]');
    await add.getByLabel('New memory').fill('has a cat named Mochi');
    await add.getByRole('button', { name: 'Add' }).click();
    await page.locator('.memory-content').filter({ hasText: 'Mochi' }).waitFor();

    const item = page.locator('li[data-memory]').filter({ hasText: 'likes green tea' });
    await item.getByRole('button', { name: 'Edit' }).click();
    const edit = page.locator('form[aria-label="Edit memory"]');
    await edit.getByLabel('Content').fill('likes oolong tea');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.locator('.memory-content').filter({ hasText: 'likes oolong tea' }).waitFor();

    await page.getByLabel('Search memories').fill('oolong');
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    await page.locator('.search-results li[data-memory]').filter({ hasText: 'oolong' }).waitFor();
    await screenshot(page, 'memory');
    await page.locator('.search-results li[data-memory]').getByRole('button', { name: 'Delete' }).click();
    // Both the search results and the user's list follow the deletion.
    await page.locator('li[data-memory]').filter({ hasText: 'oolong' }).first().waitFor({ state: 'detached' });
    const left = (await s.request('GET', '/api/memories/user/u1?format=list')).body.data as Array<{ content: string }>;
    expect(left.map((m) => m.content)).to.deep.equal(['has a cat named Mochi']);
  });

  it('a group admin sees only its own group page', async () => {
    const admin = await b.login(s, { groupId: 'g1' });
    try {
      const nav = admin.page.locator('nav.nav a');
      expect(await nav.allTextContents()).to.deep.equal(['Groups']);
      await admin.page.goto(`${s.url}/#/channels`);
      await admin.page.locator('h1').filter({ hasText: 'Group g1' }).waitFor();
      expect(await admin.page.getByLabel('Group name').inputValue()).to.equal('Tea lovers');
      expect(await admin.page.content()).not.to.include('Seed channel');
      const other = await admin.page.evaluate(async () => (await fetch('api/channels', { credentials: 'same-origin' })).status);
      expect(other).to.equal(403);
      await screenshot(admin.page, 'group-admin');
    } finally {
      await admin.context.close();
    }
  });

  it('speaks Simplified Chinese to a Chinese browser and remembers a switch to English (phone width, dark system theme)', async () => {
    const zh = await b.login(s, { locale: 'zh-CN', viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    try {
      await zh.page.getByRole('heading', { name: '仪表盘' }).waitFor();
      expect(await zh.page.evaluate(() => document.documentElement.lang)).to.equal('zh-CN');
      await zh.page.locator('tr[data-module="panel"]').waitFor();
      expect(await zh.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).to.equal('rgb(15, 18, 23)');
      // Nothing wider than the phone but the tables, which scroll inside their own box.
      expect(await zh.page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
      await screenshot(zh.page, 'phone-zh-dark-dashboard');
      await zh.page.getByLabel('语言').first().selectOption('en');
      await zh.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await zh.page.reload();
      await zh.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    } finally {
      await zh.context.close();
    }
  });

  it('works behind a reverse proxy under a sub-path', async () => {
    // A proxy that serves the panel at /chatai/ and strips that prefix, like nginx `location /chatai/`.
    const proxy = http.createServer((req, res) => {
      if (!req.url!.startsWith('/chatai/')) return void res.writeHead(404).end();
      const target = new URL(req.url!.slice('/chatai'.length), s.url);
      const forward = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/chatai/`;
    const viaProxy = await b.browser.newContext();
    try {
      const p = await viaProxy.newPage();
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      await p.goto(`${base}login?token=${token}`);
      await p.waitForURL(base);
      await p.locator('tr[data-module="panel"]').waitFor();
      await p.goto(`${base}#/presets`);
      await p.locator('tr[data-preset="builtin_assistant"]').waitFor();
    } finally {
      await viaProxy.close();
      await new Promise((ok) => proxy.close(ok));
    }
  });

  it('logging out revokes the session and shows how to get a new link', async () => {
    await page.goto(`${s.url}/#/`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('npm run login-link').waitFor();
    expect((await context.cookies()).find((c) => c.name === 'auth_token')).to.equal(undefined);
    await page.goto(`${s.url}/login?token=not-a-real-token`);
    await page.locator('#message.error').waitFor();
    await screenshot(page, 'login-failed');
  });
});

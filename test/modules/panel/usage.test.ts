/**
 * The Usage page in a browser, from real data: chats through the local upstream on two models and
 * one failed call, then the page in English and Chinese — its charts and tables against
 * `GET /api/stats/usage`, the error listed, the empty state — and the chart code not loaded by the dashboard.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { launchBrowser, screenshot, type PanelBrowser } from './browser.ts';

const KEY = 'sk-usage-SECRET-5678';

describe('web panel: the Usage page', function () {
  this.timeout(120_000);
  let s: TestServer;
  let up: Upstream;
  let b: PanelBrowser;

  const chat = async (model: string, status = 200) => {
    const res = await s.request('POST', '/api/chat', { body: { message: `hi ${model}`, userId: 'u1', model } });
    expect(res.status, res.text).to.equal(status);
  };
  const usage = async (days = 7) => {
    const res = await s.request('GET', `/api/stats/usage?days=${days}`);
    expect(res.status, res.text).to.equal(200);
    return res.body.data;
  };
  /** The `data-total` of each bar group of one chart. */
  const bars = (page: Page, chart: string) =>
    page.locator(`[data-chart="${chart}"] svg g[data-day]`).evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-total'))));
  const openUsage = async (page: Page) => {
    await page.goto(`${s.url}/#/usage`);
    await page.locator('[data-chart="tokens"] svg').waitFor();
  };

  before(async () => {
    [s, up, b] = await Promise.all([startServer(), startUpstream(), launchBrowser()]);
    const res = await s.request('POST', '/api/channels', { body: { id: 'alpha', name: 'Alpha', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: KEY, models: ['model-a', 'model-b'] } });
    expect(res.status, res.text).to.equal(201);
    const reply = (promptTokens: number, completionTokens: number) => ({ text: 'ok', usage: { promptTokens, completionTokens } });
    up.enqueue(reply(10, 5), reply(20, 7), reply(30, 9), { error: { status: 500, message: 'upstream broke on purpose' } });
    await chat('model-a');
    await chat('model-a');
    await chat('model-b');
    await chat('model-b', 502);
  });
  after(async () => {
    await b?.close();
    await Promise.all([s?.stop(), up?.close()]);
  });

  it('does not load the chart code with the dashboard, only with the Usage page', async () => {
    const { context, page } = await b.login(s);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(`${s.url}/`);
    await page.locator('tr[data-module="panel"]').waitFor();
    expect(requested.some((p) => p.endsWith('/dashboard.js')), requested.join(' ')).to.equal(true);
    expect(requested.filter((p) => /\/(chart|usage)\.js$/.test(p))).to.deep.equal([]);
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.locator('[data-chart="tokens"] svg').waitFor();
    expect(requested.filter((p) => /\/(chart|usage)\.js$/.test(p)).map((p) => p.split('/').pop()).sort()).to.deep.equal(['chart.js', 'usage.js']);
    await context.close();
  });

  it('in English: charts and rankings from the real calls, matching GET /api/stats/usage, and the error', async () => {
    const api = await usage();
    expect(api.total).to.deep.include({ calls: 4, failed: 1, totalTokens: 81 });
    const { context, page } = await b.login(s);
    const consoleErrors: string[] = []; // a CSP refusal (say, of an inline style) is reported here
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await openUsage(page);

    // One bar group per day with data, whose totals add up to the API's.
    const withTokens = api.daily.filter((d: { totalTokens: number }) => d.totalTokens > 0);
    const tokens = await bars(page, 'tokens');
    expect(tokens).to.deep.equal(withTokens.map((d: { totalTokens: number }) => d.totalTokens));
    expect(tokens.reduce((a, n) => a + n, 0)).to.equal(api.total.totalTokens);
    const calls = await bars(page, 'calls');
    expect(calls).to.deep.equal(api.daily.filter((d: { calls: number }) => d.calls > 0).map((d: { calls: number }) => d.calls));
    expect(calls.reduce((a, n) => a + n, 0)).to.equal(api.total.calls);
    // Tokens stacked by model: one segment per model, with each model's tokens.
    const segments = await page.locator('[data-chart="tokens"] rect[data-series]').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-series'), Number(r.getAttribute('data-value'))]));
    expect(Object.fromEntries(segments)).to.deep.equal({ 'model-a': 42, 'model-b': 39 });
    await page.getByLabel('Stacked by').selectOption('byChannel');
    await page.locator('[data-chart="tokens"] rect[data-series="alpha"][data-value="81"]').waitFor();
    // Calls stacked as succeeded and failed; one date label per day of the window.
    expect(await page.locator('[data-chart="calls"] rect[data-series="failed"]').getAttribute('data-value')).to.equal('1');
    expect(await page.locator('[data-chart="calls"] svg text.tick').count()).to.equal(7 + 2); // + the two y-axis labels

    expect(await page.locator('[data-stat="tokens"] b').textContent()).to.equal(String(api.total.totalTokens));
    expect(await page.locator('[data-stat="calls"] b').textContent()).to.equal(String(api.total.calls));
    for (const m of api.modelRanking) {
      expect(await page.locator(`table[data-ranking="model"] tr[data-key="${m.model}"] td[data-tokens]`).textContent()).to.equal(String(m.totalTokens));
    }
    expect(await page.locator('table[data-ranking="channelId"] tr[data-key="alpha"] td[data-tokens]').textContent()).to.equal('81');

    const errors = page.locator('table[data-errors] tr[data-error]');
    expect(await errors.count()).to.equal(1);
    expect(await errors.textContent()).to.include('upstream broke on purpose').and.include('model-b');
    expect(await page.locator('body').textContent()).not.to.include(KEY);
    expect(consoleErrors).to.deep.equal([]);
    await screenshot(page, 'usage');

    // The 30-day window asks the API for 30 days and labels every third day (and the last).
    const asked = page.waitForRequest((r) => r.url().includes('stats/usage?days=30'));
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await asked;
    await page.locator('[data-usage-days="30"] [data-chart="calls"] svg').waitFor();
    expect(await page.locator('[data-chart="calls"] svg text.tick').count()).to.equal(11 + 2);
    expect(await bars(page, 'calls')).to.deep.equal([4]);
    await context.close();
  });

  it('in Chinese: the same charts with Chinese texts', async () => {
    const { context, page } = await b.login(s, { locale: 'zh-CN' });
    await openUsage(page);
    expect(await page.locator('main h1').textContent()).to.equal('用量');
    await page.getByRole('heading', { name: '每日 Token 用量' }).waitFor();
    expect(await page.locator('[data-chart="calls"] .legend').textContent()).to.include('成功').and.include('失败');
    expect(await bars(page, 'tokens')).to.deep.equal([81]);
    expect(await page.locator('table[data-errors] tr[data-error]').count()).to.equal(1);
    await screenshot(page, 'usage-zh');
    await context.close();
  });

  it('shows an empty state when there is no data', async () => {
    expect((await s.request('POST', '/api/stats/usage/clear', { body: {} })).status).to.equal(200);
    expect((await usage()).total.calls).to.equal(0);
    const { context, page } = await b.login(s);
    await page.goto(`${s.url}/#/usage`);
    await page.getByText('No upstream calls in this period yet.').waitFor();
    expect(await page.locator('.chart').count()).to.equal(0);
    await context.close();
  });
});

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually } from '../support/modules.ts';
import { startServer, type TestServer } from '../support/server.ts';

describe('a replaced module version hears no more events (docs/modules.md#lifetimes)', () => {
  let s: TestServer;
  let source: string;

  const traces = async () => (await readFile(path.join(s.dataDir, 'hearer-traces.log'), 'utf8').catch(() => '')).trim().split('\n');
  const tag = async () => (await s.request('GET', '/api/hearer/tag')).body?.data?.tag;
  /** Saves the fixture as version `next` and waits until it answers. */
  const reloadAs = async (next: string) => {
    await s.modules!.write('hearer/index.ts', source.replace("const TAG = 'one'", `const TAG = '${next}'`));
    await eventually(async () => (await tag()) === next, 5000, `version ${next}`);
  };

  before(async () => {
    s = await startServer({ modules: { fixtures: ['hearer'] } });
    source = await readFile(path.join(s.modules!.dir, 'hearer/index.ts'), 'utf8');
  });
  after(async () => {
    await s?.stop();
    await s?.modules?.cleanup();
  });

  it('hands an event or a config change that comes while the old version drains to the new version only', async () => {
    let settled = false;
    const held = s.request('GET', '/api/hearer/hold?ms=2500').finally(() => (settled = true));
    await eventually(async () => (await traces()).includes('holding one'), 3000, 'the held request');
    await reloadAs('two');

    expect((await s.request('POST', '/api/hearer/probe')).body.data.tag).to.equal('two');
    const changed = await s.request('POST', '/api/hearer/public-url', { body: { url: 'https://bot.example' } });
    expect(changed.body.data.changed).to.deep.equal(['web.publicUrl']);
    expect(settled, 'the old version was still draining').to.equal(false);

    // The held request still finishes on the old version, its kernel timer kept for it.
    expect((await held).body.data.tag).to.equal('one');
    expect(await traces()).to.deep.equal(['holding one', 'heard two', 'config two']);
  });

  it("ends the old version's event streams at once, so that clients reconnect to the new one", async () => {
    const old = await openStream();
    try {
      await eventually(() => old.text.includes('"tag":"two"'), 3000, 'the hello of version two');
      const reloaded = Date.now();
      await reloadAs('three');
      // Not after the 30 s drain: the stream would stay open, and silent, until then.
      await eventually(() => old.ended, 3000, 'the old stream to end');
      expect(Date.now() - reloaded).to.be.below(3000);
      await s.request('POST', '/api/hearer/probe');
      expect(old.text).not.to.include('probe');
    } finally {
      await old.close();
    }
    const fresh = await openStream();
    try {
      await eventually(() => fresh.text.includes('"tag":"three"'), 3000, 'the hello of version three');
    } finally {
      await fresh.close();
    }
  });

  /** Opens GET /api/hearer/stream and collects what arrives. */
  async function openStream() {
    const client = new AbortController();
    const res = await fetch(`${s.url}/api/hearer/stream`, { headers: { authorization: `Bearer ${s.token}` }, signal: client.signal });
    const stream = { text: '', ended: false, close: async () => {} };
    const reading = (async () => {
      for await (const chunk of res.body!) stream.text += Buffer.from(chunk).toString();
      stream.ended = true;
    })().catch(() => undefined);
    stream.close = async () => {
      client.abort();
      await reading;
    };
    return stream;
  }
});

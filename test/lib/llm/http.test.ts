import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { upstreamRequest } from '../../../lib/llm/http.ts';
import { rejection } from '../../support/rejection.ts';

/** A loopback server answering with `handler`; counts the connections it accepted. */
async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    connections: () => connections,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lib/llm upstreamRequest', () => {
  it('sends the body as JSON with its type and length, and reads a JSON answer', async () => {
    let seen: { method?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
    const up = await serve(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      seen = { method: req.method, headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    try {
      const res = await upstreamRequest(`${up.url}/v1/chat`, { headers: { authorization: 'Bearer k' }, body: { text: 'héllo' } }, {});
      expect(await res.json()).to.deep.equal({ ok: true });
      expect(seen?.method).to.equal('POST');
      expect(seen?.headers).to.include({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength('{"text":"héllo"}')), authorization: 'Bearer k' });
      expect(JSON.parse(seen!.body)).to.deep.equal({ text: 'héllo' });
    } finally {
      await up.close();
    }
  });

  it('follows no redirect: a 3xx is an http error naming the status and the target', async () => {
    let requests = 0;
    const up = await serve((req, res) => {
      requests++;
      res.writeHead(301, { location: '/elsewhere' }).end('moved');
    });
    try {
      const err = await rejection(upstreamRequest(`${up.url}/v1/models`, {}, {}));
      expect(err).to.include({ kind: 'http', status: 301 });
      expect(err.message).to.include('HTTP 301').and.include('/elsewhere');
      expect(requests).to.equal(1);
    } finally {
      await up.close();
    }
  });

  it('reads an error body only as far as it needs: an endless one is cut, not read until memory runs out', async () => {
    const up = await serve(async (req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      while (!res.destroyed) {
        res.write('x'.repeat(16 * 1024));
        await sleep(1);
      }
    });
    try {
      const started = Date.now();
      const err = await rejection(upstreamRequest(up.url, {}, {}));
      expect(err).to.include({ kind: 'http', status: 500 });
      expect(err.message.length).to.be.at.most(8192);
      expect(Date.now() - started).to.be.below(2000);
    } finally {
      await up.close();
    }
  });

  it('decodes characters split across chunks, and rejects a non-JSON body as a format error', async () => {
    const bytes = Buffer.from('你好, world');
    const up = await serve(async (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(bytes.subarray(0, 2)); // the middle of 你
      await sleep(20);
      res.end(bytes.subarray(2));
    });
    try {
      const chunks: string[] = [];
      for await (const chunk of (await upstreamRequest(up.url, {}, {})).chunks()) chunks.push(chunk);
      expect(chunks.join('')).to.equal('你好, world');
      const err = await rejection((await upstreamRequest(up.url, {}, {})).json());
      expect(err.kind).to.equal('format');
    } finally {
      await up.close();
    }
  });

  it('reports a refused connection as a network error with its code', async () => {
    const up = await serve(() => {});
    await up.close();
    const err = await rejection(upstreamRequest(up.url, {}, {}));
    expect(err).to.include({ kind: 'network', status: 0, message: 'upstream connection failed: ECONNREFUSED' });
  });

  it('keeps the connection for the next call, also after a consumer stopped at the end of a stream', async () => {
    const up = await serve(async (req, res) => {
      for await (const _ of req);
      if (req.url !== '/stream') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: [DONE]\n\n');
      // The end of the body lags behind the last frame, as it may over a real network.
      await sleep(10);
      res.end();
    });
    try {
      await (await upstreamRequest(`${up.url}/json`, { body: {} }, {})).json();
      for await (const chunk of (await upstreamRequest(`${up.url}/stream`, { body: {} }, {})).chunks()) if (chunk.includes('[DONE]')) break;
      await sleep(30);
      await (await upstreamRequest(`${up.url}/json`, { body: {} }, {})).json();
      expect(up.connections()).to.equal(1);
    } finally {
      await up.close();
    }
  });

  it('cuts the request when the consumer stops reading in the middle of an answer', async () => {
    let closedEarly: Promise<boolean> | undefined;
    const up = await serve(async (req, res) => {
      closedEarly = new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 20 && !res.destroyed; i++) {
        res.write(`data: ${i}\n\n`);
        await sleep(100);
      }
      res.end();
    });
    try {
      const started = Date.now();
      for await (const chunk of (await upstreamRequest(up.url, {}, {})).chunks()) if (chunk) break;
      expect(await closedEarly).to.equal(true);
      expect(Date.now() - started).to.be.below(1000);
    } finally {
      await up.close();
    }
  });
});

import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel, storedToolSettings } from './harness.ts';

/** A loopback web server with the pages the fetch tools are tried against; it records every path it served. */
async function startUpstream() {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(url.pathname);
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      switch (url.pathname) {
        case '/text':
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello');
          return;
        case '/echo':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, headers: req.headers, body }));
          return;
        case '/html':
          res.writeHead(200, { 'content-type': 'text/html' }).end(
            '<!doctype html><html><head><title>A &amp; B</title><style>p{color:red}</style></head><body>' +
              '<script>var secret = 1;</script><h1>Heading</h1><p>First&nbsp;para &lt;b&gt; &#x1F600;</p><ul><li>one</li><li>two</li></ul><!-- hidden --></body></html>',
          );
          return;
        case '/tag-soup':
          // Unclosed tags and comments everywhere: quadratic for regex-based strippers.
          res.writeHead(200, { 'content-type': 'text/html' }).end('<p>visible</p>' + '<p'.repeat(150_000) + '<!--'.repeat(50_000) + '<script>'.repeat(50_000));
          return;
        case '/big':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('x'.repeat(3 * 1024 * 1024));
          return;
        case '/binary':
          res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
          return;
        case '/stall':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('partial');
          return; // the body never ends
        case '/hang':
          return; // never answers
        case '/redirect':
          res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to')! }).end();
          return;
        case '/loop':
          res.writeHead(302, { location: '/loop' }).end();
          return;
        default:
          res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('fetch tools (http_fetch, web_page_to_text)', () => {
  let s: TestServer;
  let up: Awaited<ReturnType<typeof startUpstream>>;
  before(async () => {
    [s, up] = await Promise.all([startToolsKernel(), startUpstream()]);
  });
  after(async () => {
    await Promise.all([s?.stop(), up?.close()]);
  });

  const setFetch = async (fetch: Record<string, unknown>) => {
    const res = await s.request('PUT', '/api/tools/builtin/config', { body: { fetch } });
    expect(res.status, res.text).to.equal(200);
  };

  describe('with builtinTools.fetch.allowPrivateNetwork on', () => {
    before(() => setFetch({ allowPrivateNetwork: true, allowedHosts: [], maxBytes: 1048576, timeoutMs: 10000 }));

    it('stores the switch in config.json', async () => {
      expect(((await storedToolSettings(s)).fetch as Record<string, unknown>).allowPrivateNetwork).to.equal(true);
    });

    it('fetches a text page', async () => {
      const { res, value } = await callTool(s, 'http_fetch', { url: up.url('/text') });
      expect(res.status, res.text).to.equal(200);
      expect(value).to.include({ status: 200, ok: true, body: 'hello', truncated: false, bytes: 5 });
      expect(value.contentType).to.match(/^text\/plain/);
    });

    it('sends the method, headers and body it was given, but not Host or Accept-Encoding', async () => {
      const { value } = await callTool(s, 'http_fetch', { url: up.url('/echo'), method: 'POST', headers: { 'x-test': 'yes', host: 'evil.example', 'Accept-Encoding': 'gzip' }, body: '{"a":1}' });
      const echo = JSON.parse(value.body);
      expect(echo.method).to.equal('POST');
      expect(echo.body).to.equal('{"a":1}');
      expect(echo.headers['x-test']).to.equal('yes');
      expect(echo.headers.host).to.equal(`127.0.0.1:${up.port}`);
      expect(echo.headers['accept-encoding']).to.equal('identity');
    });

    it('follows redirects and reports them', async () => {
      const { value } = await callTool(s, 'http_fetch', { url: up.url(`/redirect?to=${encodeURIComponent('/text')}`) });
      expect(value.body).to.equal('hello');
      expect(value.finalUrl).to.equal(up.url('/text'));
      expect(value.redirects).to.deep.equal([up.url('/text')]);
    });

    it('turns a POST into a GET without body on 303', async () => {
      const { value } = await callTool(s, 'http_fetch', { url: up.url('/redirect?status=303&to=/echo'), method: 'POST', body: 'data' });
      expect(JSON.parse(value.body)).to.include({ method: 'GET', body: '' });
    });

    it('gives up on a redirect loop with a 502', async () => {
      const { res } = await callTool(s, 'http_fetch', { url: up.url('/loop') });
      expect(res.status).to.equal(502);
      expect(res.body.code).to.equal('FETCH_FAILED');
    });

    it('stops reading at the default 1 MB', async () => {
      const { value } = await callTool(s, 'http_fetch', { url: up.url('/big') });
      expect(value).to.include({ bytes: 1048576, truncated: true });
      expect(value.body).to.have.length(1048576);
    });

    it('stops at a smaller maxBytes from the arguments, but never above the configured cap', async () => {
      const small = await callTool(s, 'http_fetch', { url: up.url('/big'), maxBytes: 10 });
      expect(small.value).to.include({ bytes: 10, truncated: true, body: 'xxxxxxxxxx' });
      await setFetch({ maxBytes: 1000 });
      try {
        const capped = await callTool(s, 'http_fetch', { url: up.url('/big'), maxBytes: 5000 });
        expect(capped.value).to.include({ bytes: 1000, truncated: true });
      } finally {
        await setFetch({ maxBytes: 1048576 });
      }
    });

    it('gives up after timeoutMs, whether no answer comes or the body stalls', async () => {
      await setFetch({ timeoutMs: 300 });
      try {
        for (const page of ['/hang', '/stall']) {
          const started = Date.now();
          const { res } = await callTool(s, 'http_fetch', { url: up.url(page) });
          expect(res.status, page).to.equal(504);
          expect(res.body.code).to.equal('TIMEOUT');
          expect(Date.now() - started).to.be.below(3000);
        }
      } finally {
        await setFetch({ timeoutMs: 10000 });
      }
    });

    it('omits a binary body', async () => {
      const { value } = await callTool(s, 'http_fetch', { url: up.url('/binary') });
      expect(value).to.include({ bytes: 8, body: null, contentType: 'image/png' });
    });

    it('reports an error status as data, not as a failure', async () => {
      const { res, value } = await callTool(s, 'http_fetch', { url: up.url('/missing') });
      expect(res.status).to.equal(200);
      expect(value).to.include({ status: 404, ok: false, body: 'no such page' });
    });

    it('refuses a body on GET', async () => {
      const { res } = await callTool(s, 'http_fetch', { url: up.url('/echo'), body: 'x' });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('INVALID_ARGS');
    });

    it('web_page_to_text returns the title and the visible text only', async () => {
      const { res, value } = await callTool(s, 'web_page_to_text', { url: up.url('/html') });
      expect(res.status, res.text).to.equal(200);
      expect(value.title).to.equal('A & B');
      expect(value.text).to.equal('Heading\n\nFirst para <b> 😀\n\n- one\n- two');
      expect(value.text).not.to.include('secret');
      expect(value.text).not.to.include('color');
    });

    it('web_page_to_text reads a page full of unclosed tags in linear time', async () => {
      const started = Date.now();
      const { res, value } = await callTool(s, 'web_page_to_text', { url: up.url('/tag-soup') });
      expect(res.status, res.text).to.equal(200);
      expect(value.text).to.equal('visible');
      expect(Date.now() - started).to.be.below(3000);
    });

    it('web_page_to_text cuts the text at maxChars', async () => {
      const { value } = await callTool(s, 'web_page_to_text', { url: up.url('/big'), maxChars: 100 });
      expect(value.text).to.have.length(100);
      expect(value.truncated).to.equal(true);
    });

    it('web_page_to_text refuses a binary resource with a 415', async () => {
      const { res } = await callTool(s, 'web_page_to_text', { url: up.url('/binary') });
      expect(res.status).to.equal(415);
      expect(res.body.code).to.equal('UNSUPPORTED_CONTENT');
    });
  });

  describe('by default (private networks refused)', () => {
    before(() => setFetch({ allowPrivateNetwork: false, allowedHosts: [], timeoutMs: 2000 }));

    const expectRefused = async (tool: string, url: string) => {
      const before = up.seen.length;
      const { res } = await callTool(s, tool, { url });
      expect(res.status, `${url}: ${res.text}`).to.equal(403);
      expect(res.body).to.include({ success: false, code: 'URL_NOT_ALLOWED' });
      return up.seen.slice(before);
    };

    it('refuses loopback addresses, by IP literal and by name, without connecting', async () => {
      for (const host of ['127.0.0.1', 'localhost', '[::1]', '[::ffff:127.0.0.1]', '127.1', '2130706433']) {
        expect(await expectRefused('http_fetch', `http://${host}:${up.port}/text`)).to.deep.equal([]);
      }
    });

    it('refuses every IPv6 form that carries a loopback or private IPv4 address, and every IPv4 spelling', async () => {
      const loopback = [
        '[::127.0.0.1]', '[::7f00:1]', '[0:0:0:0:0:0:127.0.0.1]', // IPv4-compatible ::/96
        '[0:0:0:0:0:ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:0:127.0.0.1]', // IPv4-mapped and -translated
        '[64:ff9b::127.0.0.1]', '[2002:7f00:1::1]', // NAT64, 6to4
        '0x7f.1', '0177.0.0.1', '0x7f000001', '127.0.0.1.', // hex, octal, one number, trailing dot
      ];
      for (const host of loopback) expect(await expectRefused('http_fetch', `http://${host}:${up.port}/text`), host).to.deep.equal([]);
      for (const host of ['[::10.0.0.1]', '[::ffff:192.168.1.1]', '[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::1]', '0.1.2.3', '0']) {
        await expectRefused('http_fetch', `http://${host}/`);
      }
    });

    it('refuses private, link-local, cloud-metadata and unspecified addresses', async () => {
      for (const url of [
        'http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.1.1/', 'http://100.100.100.200/', 'http://169.254.169.254/latest/meta-data/',
        'http://[fe80::1]/', 'http://[fd00:ec2::254]/', 'http://0.0.0.0/', 'http://metadata.google.internal/computeMetadata/v1/',
      ]) {
        await expectRefused('http_fetch', url);
      }
    });

    it('refuses in web_page_to_text as well', async () => {
      expect(await expectRefused('web_page_to_text', up.url('/html'))).to.deep.equal([]);
    });

    it('refuses a redirect to a private address, checking every hop', async () => {
      // 127.0.0.1 itself is exempted, so the first hop is served and the redirect target is what gets checked.
      await setFetch({ allowedHosts: ['127.0.0.1'] });
      try {
        for (const target of [`http://localhost:${up.port}/text`, 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${up.port}/text`, 'http://10.1.2.3/']) {
          const seen = await expectRefused('http_fetch', up.url(`/redirect?to=${encodeURIComponent(target)}`));
          expect(seen, target).to.deep.equal(['/redirect']);
        }
        const allowed = await callTool(s, 'http_fetch', { url: up.url('/redirect?to=/text') });
        expect(allowed.value.body).to.equal('hello');
      } finally {
        await setFetch({ allowedHosts: [] });
      }
    });

    it('refuses a redirect to another scheme', async () => {
      await setFetch({ allowPrivateNetwork: true });
      try {
        await expectRefused('http_fetch', up.url(`/redirect?to=${encodeURIComponent('file:///etc/passwd')}`));
      } finally {
        await setFetch({ allowPrivateNetwork: false });
      }
    });

    it('refuses URLs that are not http(s) with a 400', async () => {
      for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'not a url', 'http://user:pw@example.com/']) {
        const { res } = await callTool(s, 'http_fetch', { url });
        expect(res.status, url).to.equal(400);
        expect(res.body.code).to.equal('INVALID_ARGS');
      }
    });
  });
});

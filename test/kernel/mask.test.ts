import { expect } from 'chai';
import { isMasked, looksSecret, maskCredentials, maskKey, maskUrl, unmaskKey, unmaskUrl } from '../../kernel/mask.ts';

describe('kernel/mask', () => {
  describe('maskKey', () => {
    it('shows the prefix and the last four characters only', () => {
      expect(maskKey('sk-proj-abcdefghijklmnopwxyz')).to.equal('sk-****wxyz');
      expect(maskKey('AIzaSyA1234567890abcd')).to.equal('AIz****abcd');
      expect(maskKey('short')).to.equal('****');
      expect(maskKey('')).to.equal('');
    });
    it('recognises masked values', () => {
      expect(isMasked(maskKey('sk-abcdefghijklmnop'))).to.equal(true);
      expect(isMasked('sk-abcdefghijklmnop')).to.equal(false);
      expect(isMasked(undefined)).to.equal(false);
    });
    it('takes back only the mask of the stored key', () => {
      const key = 'sk-abcdefghijklmnop';
      expect(unmaskKey(maskKey(key), key)).to.equal(key);
      expect(unmaskKey('sk-new-key', key)).to.equal('sk-new-key');
      expect(unmaskKey('sk-****zzzz', key)).to.equal(undefined);
      expect(unmaskKey('****', '')).to.equal(undefined);
    });
  });

  describe('looksSecret', () => {
    it('reads the words of a name, in any case style', () => {
      for (const name of ['apiKey', 'API_KEY', 'x-api-key', 'access_token', 'password', 'PGPASSWORD', 'secretKey', 'cookieSecret', 'sessdata', 'X-Amz-Signature', '--token', 'Authentication', 'X-Session-Id']) {
        expect(looksSecret(name), name).to.equal(true);
      }
      for (const name of ['keywords', 'pluginAuthorQQ', 'maxTokens', 'DEBUG', 'baseUrl', 'mode']) expect(looksSecret(name), name).to.equal(false);
    });
  });

  describe('maskCredentials', () => {
    it('masks credential-shaped text wherever it stands, and leaves a mask as it is', () => {
      expect(maskCredentials('bad key sk-proj-abcdefghijklmnopwxyz; sent Authorization: Bearer abcdefghijkl1234')).to.equal(
        'bad key sk-****wxyz; sent Authorization: Bearer abc****1234',
      );
      expect(maskCredentials('key=AIzaSyA1234567890abcdefghij and Basic dXNlcjpwYXNzd29yZA==')).to.equal('key=AIz****ghij and Basic dXN****ZA==');
      expect(maskCredentials('Bearer sk-****abcd, nothing else')).to.equal('Bearer sk-****abcd, nothing else');
    });
  });

  describe('maskUrl', () => {
    const cases: Array<[string, string]> = [
      // user info: the password; a user name alone when it looks like a token
      ['https://user:hunter2@example.com/sse', 'https://user:****@example.com/sse'],
      ['socks5://bob:s3cr3t@proxy.local:1080', 'socks5://bob:****@proxy.local:1080'],
      ['https://ghp_abcdefghijklmnop1234@github.com/repo', 'https://ghp****1234@github.com/repo'],
      // path: segments of 16+ URL-safe characters mixing two of lower, upper, digits
      ['https://mcp.example.com/sse/AbCd1234EfGh5678IjKl', 'https://mcp.example.com/sse/AbC****IjKl'],
      ['https://h.example/hooks/550e8400-e29b-41d4-a716-446655440000/mcp', 'https://h.example/hooks/550****0000/mcp'],
      // query: values of secret-looking names, and token-looking values of any name
      ['http://h/?token=abc&token=def&q=AbCdEfGh12345678xyz&mode=x', 'http://h/?token=****&token=****&q=AbC****8xyz&mode=x'],
      ['https://h/sse?api_key=abcdefghijklmnopqrstuvwxyz&mode=x', 'https://h/sse?api_key=abc****wxyz&mode=x'],
    ];
    for (const [url, masked] of cases) {
      it(`masks ${url}`, () => {
        expect(maskUrl(url)).to.equal(masked);
        expect(unmaskUrl(masked, url)).to.equal(url);
      });
    }

    it('leaves words, slugs, dates, short ids and text that is no URL alone', () => {
      for (const text of ['https://mcp.example.com/v1/streamable-http-endpoint/2024-05-01?x=1&flag', 'http://127.0.0.1:9527', 'note: AbCd1234EfGh5678IjKl', '']) {
        expect(maskUrl(text)).to.equal(text);
      }
    });
  });

  describe('unmaskUrl', () => {
    const stored = 'https://user:hunter2@example.com/sse/AbCd1234EfGh5678IjKl?api_key=abcdefghijklmnopqrstuvwxyz&mode=x';
    const shown = maskUrl(stored);

    it('puts masked pieces back around pieces that changed', () => {
      expect(unmaskUrl(shown.replace('mode=x', 'mode=y&extra=1'), stored)).to.equal(stored.replace('mode=x', 'mode=y&extra=1'));
      expect(unmaskUrl(shown.replace('/sse/', '/mcp/'), stored)).to.equal(stored.replace('/sse/', '/mcp/'));
    });

    it('never hands stored pieces to another host or scheme, nor takes a mask of something else', () => {
      expect(unmaskUrl(shown.replace('example.com', 'evil.example'), stored)).to.equal(undefined);
      expect(unmaskUrl(shown.replace('https:', 'http:'), stored)).to.equal(undefined);
      expect(unmaskUrl(shown.replace('AbC****IjKl', 'XyZ****IjKl'), stored)).to.equal(undefined);
      expect(unmaskUrl(shown, undefined)).to.equal(undefined);
    });

    it('takes a URL without masks, and text that is no URL, as it is', () => {
      expect(unmaskUrl('https://other.example/sse', stored)).to.equal('https://other.example/sse');
      expect(unmaskUrl('**** not a url', stored)).to.equal('**** not a url');
    });
  });
});

import { expect } from 'chai';
import { maskConfig, restoreMasked } from '../../../modules/mcp/secrets.ts';
import type { ServerConfig } from '../../../modules/mcp/server-config.ts';

const base = { timeout: 30_000, autoReconnect: true, maxReconnectAttempts: 5, enabled: true };

describe('mcp secrets: masking a server config and restoring masked values', () => {
  const stdio: ServerConfig = {
    ...base,
    type: 'stdio',
    command: 'node',
    args: ['server.js', '--token', 'ghp_abcdefghijklmnopqrstuvwxyz', '--api-key=short', 'sk-proj-abcdefghijklmnopqrstu', '/data'],
    env: { OPENAI_API_KEY: 'sk-abcdefghijklmnopqrstuvwxyz', DEBUG: '1' },
  };

  it('masks env values, secret-named and token-shaped args, and leaves the rest', () => {
    const masked = maskConfig(stdio);
    expect(masked.env).to.deep.equal({ OPENAI_API_KEY: 'sk-****wxyz', DEBUG: '****' });
    expect(masked.args).to.deep.equal(['server.js', '--token', 'ghp****wxyz', '--api-key=****', 'sk-****rstu', '/data']);
    expect(masked.command).to.equal('node');
    expect(JSON.stringify(masked)).to.not.match(/abcdefghij/);
  });

  it('restores every masked value to the stored one, and keeps values that were changed', () => {
    const masked = maskConfig(stdio);
    const incoming = { ...masked, args: [...masked.args!.slice(0, 5), '/other'], env: { ...masked.env, DEBUG: '0' } };
    const restored = restoreMasked(incoming, stdio);
    expect(restored.args).to.deep.equal([...stdio.args!.slice(0, 5), '/other']);
    expect(restored.env).to.deep.equal({ OPENAI_API_KEY: 'sk-abcdefghijklmnopqrstuvwxyz', DEBUG: '0' });
  });

  it('masks a URL password and secret-named query parameters, and restores them', () => {
    const remote: ServerConfig = { ...base, type: 'sse', url: 'https://user:hunter2@example.com/sse?api_key=abcdefghijklmnopqrstuvwxyz&mode=x', headers: { Authorization: 'Bearer abcdefghijklmnopqrstuvwxyz' } };
    const masked = maskConfig(remote);
    expect(masked.url).to.equal('https://user:****@example.com/sse?api_key=abc****wxyz&mode=x');
    expect(masked.headers).to.deep.equal({ Authorization: 'Bea****wxyz' });
    expect(restoreMasked(masked, remote)).to.deep.equal(remote);
  });

  it('does not restore a masked value for a key the stored config does not have', () => {
    const restored = restoreMasked({ ...stdio, env: { NEW: '****' } }, stdio);
    expect(restored.env).to.deep.equal({ NEW: '****' });
  });
});

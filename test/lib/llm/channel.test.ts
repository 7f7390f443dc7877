import { expect } from 'chai';
import { mapModel, normaliseBaseUrl, servesModel, type ApiKeyEntry } from '../../../lib/llm/channel.ts';
import { selectKey } from '../../../lib/llm/keys.ts';

const key = (k: string, extra: Partial<ApiKeyEntry> = {}): ApiKeyEntry => ({
  key: k, name: k, enabled: true, weight: 100, usageCount: 0, errorCount: 0, lastUsed: null, lastError: null, lastErrorAt: null, ...extra,
});

describe('lib/llm channel rules', () => {
  describe('normaliseBaseUrl', () => {
    it('trims, drops trailing slashes and appends /v1 to a bare host for openai and claude', () => {
      expect(normaliseBaseUrl('  https://api.example.com/  ', 'openai')).to.equal('https://api.example.com/v1');
      expect(normaliseBaseUrl('https://api.example.com', 'claude')).to.equal('https://api.example.com/v1');
      expect(normaliseBaseUrl('https://proxy.example.com/openai/v1/', 'openai')).to.equal('https://proxy.example.com/openai/v1');
    });
    it('leaves a bare gemini host alone and fills empty values with the adapter default', () => {
      expect(normaliseBaseUrl('https://g.example.com/', 'gemini')).to.equal('https://g.example.com');
      expect(normaliseBaseUrl('', 'openai')).to.equal('https://api.openai.com/v1');
      expect(normaliseBaseUrl(undefined, 'claude')).to.equal('https://api.anthropic.com/v1');
      expect(normaliseBaseUrl(' ', 'gemini')).to.equal('https://generativelanguage.googleapis.com');
    });
  });

  describe('mapModel', () => {
    const channel = { overrides: { modelMapping: { 'gpt-4*': 'gpt-4o', 'GPT-4-turbo': 'gpt-4-turbo-2024', 'claude-?': 'never' } } } as never;
    it('prefers an exact (case-insensitive) entry over a wildcard', () => {
      expect(mapModel(channel, 'gpt-4-TURBO')).to.equal('gpt-4-turbo-2024');
    });
    it('applies * wildcards case-insensitively and treats other characters literally', () => {
      expect(mapModel(channel, 'GPT-4.1-mini')).to.equal('gpt-4o');
      expect(mapModel(channel, 'claude-3')).to.equal('claude-3');
      expect(mapModel(channel, 'other')).to.equal('other');
    });
    it('servesModel counts listed models and mapped ones', () => {
      expect(servesModel({ models: ['Model-A'], overrides: { modelMapping: { 'x-*': 'y' } } } as never, 'model-a')).to.equal(true);
      expect(servesModel({ models: [], overrides: { modelMapping: { 'x-*': 'y' } } } as never, 'x-1')).to.equal(true);
      expect(servesModel({ models: ['a'], overrides: { modelMapping: {} } } as never, 'b')).to.equal(false);
    });
  });

  describe('selectKey', () => {
    it('round-robin follows the persisted usage counts', () => {
      const keys = [key('k1', { usageCount: 2 }), key('k2', { usageCount: 1 }), key('k3', { usageCount: 1 })];
      expect(selectKey({ apiKey: '', apiKeys: keys, strategy: 'round-robin' }).key).to.equal('k2'); // 4 calls % 3
    });
    it('skips disabled keys and keys with 10 or more errors, and falls back to apiKey when none is left', () => {
      const keys = [key('k1', { enabled: false }), key('k2', { errorCount: 10 }), key('k3')];
      expect(selectKey({ apiKey: 'main', apiKeys: keys, strategy: 'round-robin' }).key).to.equal('k3');
      const none = selectKey({ apiKey: 'main', apiKeys: keys.slice(0, 2), strategy: 'round-robin' });
      expect(none).to.include({ key: 'main', index: -1 });
    });
    it('least-used picks the smallest usage count', () => {
      const keys = [key('k1', { usageCount: 5 }), key('k2', { usageCount: 1 }), key('k3', { usageCount: 3 })];
      expect(selectKey({ apiKey: '', apiKeys: keys, strategy: 'least-used' }).key).to.equal('k2');
    });
    it('weighted and random use the given random source', () => {
      const keys = [key('k1', { weight: 10 }), key('k2', { weight: 90 })];
      expect(selectKey({ apiKey: '', apiKeys: keys, strategy: 'weighted' }, 0, () => 0.05).key).to.equal('k1');
      expect(selectKey({ apiKey: '', apiKeys: keys, strategy: 'weighted' }, 0, () => 0.5).key).to.equal('k2');
      expect(selectKey({ apiKey: '', apiKeys: keys, strategy: 'random' }, 0, () => 0.99).key).to.equal('k2');
    });
    it('failover skips keys that failed in the last five minutes', () => {
      const now = 1_000_000_000;
      const keys = [key('k1', { lastErrorAt: now - 60_000, errorCount: 1 }), key('k2')];
      expect(selectKey({ apiKey: '', apiKeys: keys, strategy: 'failover' }, now).key).to.equal('k2');
      keys[0].lastErrorAt = now - 6 * 60_000;
      expect(selectKey({ apiKey: '', apiKeys: keys, strategy: 'failover' }, now).key).to.equal('k1');
    });
  });
});

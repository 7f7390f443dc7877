import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../support/server.ts';

const WEB = path.join(ROOT, 'modules/panel/web');

describe('panel texts', () => {
  it('has a Simplified Chinese text for every English text the pages show', async () => {
    const { ZH } = (await import(pathToFileURL(path.join(WEB, 'lib/zh.js')).href)) as { ZH: Record<string, string> };
    const files = readdirSync(WEB, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const missing: string[] = [];
    let seen = 0;
    for (const file of files) {
      const source = readFileSync(path.join(WEB, file), 'utf8');
      for (const [, text] of source.matchAll(/\bt\('((?:[^'\\]|\\.)+)'/g)) {
        seen += 1;
        if (!ZH[text]) missing.push(`${file}: ${text}`);
      }
    }
    expect(seen).to.be.above(100); // the pattern still finds the texts
    expect(missing).to.deep.equal([]);
  });

  it('keeps the {placeholders} of every translation', async () => {
    const { ZH } = (await import(pathToFileURL(path.join(WEB, 'lib/zh.js')).href)) as { ZH: Record<string, string> };
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [en, zh] of Object.entries(ZH)) expect(names(zh), en).to.deep.equal(names(en));
  });
});

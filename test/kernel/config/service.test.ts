import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConfigService, type KernelConfigService } from '../../../kernel/config/service.ts';
import { HttpError } from '../../../kernel/errors.ts';
import { createEventBus } from '../../../kernel/events.ts';
import { createStore } from '../../../kernel/store.ts';
import type { KernelEvent, Logger } from '../../../kernel/types.ts';
import configSections from '../../../modules/config/config.ts';
import { eventually } from '../../support/modules.ts';

/** A real service on a temporary DATA_DIR, with the config module's sections declared, its log lines and bus events recorded. */
async function open(dataDir: string, opts: { watch?: boolean } = {}) {
  const lines: string[] = [];
  const log: Logger = {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
  const events = createEventBus(log);
  const seen: KernelEvent[] = [];
  events.subscribe((e) => void seen.push(e));
  const config = await createConfigService({ store: createStore(dataDir, log), events, log, watch: opts.watch ?? false, sections: { config: configSections } });
  return { config, lines, seen, file: path.join(dataDir, 'config.json') };
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('config service', () => {
  let dataDir: string;
  let opened: Array<{ config: KernelConfigService }>;
  const start = async (opts?: { watch?: boolean }) => {
    const o = await open(dataDir, opts);
    opened.push(o);
    return o;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-config-'));
    opened = [];
  });
  afterEach(async () => {
    for (const o of opened) await o.config.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('defaults and reads', () => {
    it('writes the whole default configuration (mode 0600) on first start as version 1', async () => {
      const { config, file } = await start();
      const onDisk = JSON.parse(await readFile(file, 'utf8'));
      expect(onDisk.trigger.prefixes).to.deep.equal(['#chat']);
      expect(onDisk.context.globalPromptMode).to.equal('append');
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      expect(config.version()).to.equal(1);
      expect((await config.history())[0]).to.include({ version: 1, source: 'initial' });
    });

    it('fills defaults around a sparse file and leaves the file as it is', async () => {
      const text = '{"trigger": {"prefixes": ["#x"]}}';
      await writeFile(path.join(dataDir, 'config.json'), text);
      const { config, file } = await start();
      expect(config.get('trigger.prefixes')).to.deep.equal(['#x']);
      expect(config.get('trigger.group.at')).to.equal(true);
      expect(config.get<Record<string, unknown>>().llm).to.have.property('defaultModel');
      expect(config.get('no.such.path')).to.equal(undefined);
      expect(await readFile(file, 'utf8')).to.equal(text);
    });

    it('hands out a frozen configuration, so a reader cannot change it behind the service', async () => {
      const { config } = await start();
      const trigger = config.get<{ prefixes: string[] }>('trigger');
      expect(() => trigger.prefixes.push('#sneaky')).to.throw(TypeError);
      expect(config.get('trigger.prefixes')).to.deep.equal(['#chat']);
      await config.update({ 'trigger.keywords': ['a'] });
      expect(Object.isFrozen(config.get('trigger.keywords'))).to.equal(true);
    });

    it('keeps secrets out: the schema refuses them', async () => {
      const { config } = await start();
      const err = await rejection(config.update({ web: { jwtSecret: 'x' } }));
      expect(err.status).to.equal(400);
      expect(err.details).to.deep.equal([{ path: 'web.jwtSecret', message: 'is a secret; secrets are kept outside the configuration' }]);
      expect(config.get('web')).to.not.have.property('jwtSecret');
    });
  });

  describe('update', () => {
    it('deep-merges, answers the changed paths, persists, records a version and tells listeners', async () => {
      const { config, seen, file } = await start();
      const heard: string[][] = [];
      config.onChange((paths) => heard.push(paths));
      const paths = await config.update({ trigger: { group: { at: false } }, 'context.maxMessages': 30, basic: { commandPrefix: '#ai' } });
      expect(paths).to.have.members(['trigger.group.at', 'context.maxMessages']).and.have.length(2);
      expect(config.get('trigger.group.prefix')).to.equal(true); // sibling kept
      expect(JSON.parse(await readFile(file, 'utf8')).trigger.group.at).to.equal(false);
      expect(heard).to.deep.equal([paths]);
      expect(seen.filter((e) => e.type === 'config-changed')).to.have.length(1);
      expect(seen[0]).to.include({ version: 2, source: 'api' });
      expect(seen[0].paths).to.deep.equal(paths);
      expect(config.version()).to.equal(2);
    });

    it('replaces arrays instead of merging them', async () => {
      const { config } = await start();
      await config.update({ trigger: { prefixes: ['#a', '#b'] } });
      await config.update({ trigger: { prefixes: ['#c'] } });
      expect(config.get('trigger.prefixes')).to.deep.equal(['#c']);
    });

    it('answers [] without writing or announcing when nothing changes', async () => {
      const { config, seen } = await start();
      expect(await config.update({ trigger: { prefixes: ['#chat'] } })).to.deep.equal([]);
      expect(seen).to.have.length(0);
      expect(config.version()).to.equal(1);
    });

    it('refuses wrong types and unknown sections with every path, writing nothing', async () => {
      const { config, file } = await start();
      const before = await readFile(file, 'utf8');
      const err = await rejection(config.update({ trigger: { group: { at: 'yes' }, private: { mode: 'sometimes' } }, nope: 1 }));
      expect(err.code).to.equal('VALIDATION_ERROR');
      expect(err.details!.map((d) => d.path)).to.have.members(['nope', 'trigger.group.at', 'trigger.private.mode']);
      expect(await readFile(file, 'utf8')).to.equal(before);
      expect(config.version()).to.equal(1);
    });

    it('refuses __proto__, constructor and prototype keys anywhere without polluting prototypes', async () => {
      const { config } = await start();
      for (const partial of [
        JSON.parse('{"__proto__": {"polluted": true}}'),
        JSON.parse('{"trigger": {"__proto__": {"polluted": true}}}'),
        { 'constructor.prototype.polluted': true },
        { trigger: { prototype: 1 } },
      ]) {
        const err = await rejection(config.update(partial));
        expect(err.status, JSON.stringify(partial)).to.equal(400);
      }
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(config.version()).to.equal(1);
    });

    it('runs concurrent updates one after another without losing any', async () => {
      const { config } = await start();
      await Promise.all(Array.from({ length: 10 }, (_, i) => config.update({ trigger: { keywords: [] }, [`system.tours.t${i}`]: { completed: true } })));
      expect(Object.keys(config.get<Record<string, unknown>>('system.tours'))).to.have.length(10);
      expect(config.version()).to.equal(11);
    });
  });

  describe('sections, unset, replace', () => {
    it('replaces a section, filling left-out keys with defaults', async () => {
      const { config } = await start();
      await config.update({ trigger: { keywords: ['hi'], group: { at: false } } });
      const paths = await config.replaceSection('trigger', { prefixes: ['#new'] });
      expect(paths).to.include.members(['trigger.prefixes', 'trigger.keywords', 'trigger.group.at']);
      expect(config.get('trigger.keywords')).to.deep.equal([]);
      expect(config.get('trigger.group.at')).to.equal(true);
      expect((await rejection(config.replaceSection('nope', {}))).code).to.equal('SECTION_NOT_FOUND');
    });

    it('unsets a key back to its default', async () => {
      const { config } = await start();
      await config.update({ 'web.publicUrl': 'https://bot.example' });
      expect(await config.unset(['web.publicUrl'])).to.deep.equal(['web.publicUrl']);
      expect(config.get('web.publicUrl')).to.equal('');
      expect((await rejection(config.unset(['a..b']))).status).to.equal(400);
    });

    it('validates without writing', async () => {
      const { config } = await start();
      expect(config.validate({ trigger: { prefixes: ['#a'] } })).to.deep.equal([]);
      expect(config.validate({ trigger: { prefixes: 'x' } })).to.deep.equal([{ path: 'trigger.prefixes', message: 'must be array' }]);
      expect(config.validate([])).to.have.length(1);
      expect(config.version()).to.equal(1);
    });
  });

  describe('history and rollback', () => {
    it('keeps the version in force and the 50 before it', async () => {
      const { config } = await start();
      for (let i = 1; i <= 55; i++) await config.update({ 'context.maxMessages': i });
      const history = await config.history();
      expect(history).to.have.length(51);
      expect(history[0]).to.include({ version: 56, source: 'api' });
      expect(history[50].version).to.equal(6);
      expect(history[0]).to.not.have.property('config');
      expect((await config.at(10))!.context).to.include({ maxMessages: 9 });
      expect((await rejection(config.rollback(5))).code).to.equal('VERSION_NOT_FOUND');
    });

    it('rolls back to a kept version as a new version, also after a restart', async () => {
      let { config } = await start();
      await config.update({ trigger: { prefixes: ['#one'] } });
      await config.update({ trigger: { prefixes: ['#two'] }, 'basic.debug': true });
      await config.close();
      ({ config } = await start());
      expect(config.version()).to.equal(3);
      expect(await config.rollback(2)).to.have.members(['trigger.prefixes', 'basic.debug']);
      expect(config.get('trigger.prefixes')).to.deep.equal(['#one']);
      expect(config.version()).to.equal(4);
      expect((await config.history())[0]).to.include({ version: 4, source: 'rollback' });
    });
  });

  describe('the file on disk', () => {
    it('records an edit made while stopped as a version of its own', async () => {
      let { config, file } = await start();
      await config.close();
      const data = JSON.parse(await readFile(file, 'utf8'));
      data.basic.debug = true;
      await writeFile(file, JSON.stringify(data));
      ({ config } = await start());
      expect(config.get('basic.debug')).to.equal(true);
      expect((await config.history())[0]).to.deep.include({ version: 2, source: 'file', paths: ['basic.debug'] });
    });

    it('starts with the last valid version when the file is invalid, and leaves the file alone', async () => {
      let { config, file } = await start();
      await config.update({ trigger: { prefixes: ['#kept'] } });
      await config.close();
      const broken = '{"trigger": {"group": {"at": "maybe"}}}';
      await writeFile(file, broken);
      let lines: string[];
      ({ config, lines } = await start());
      expect(config.get('trigger.prefixes')).to.deep.equal(['#kept']);
      expect(lines.join('\n')).to.include(file).and.include('trigger.group.at');
      expect(await readFile(file, 'utf8')).to.equal(broken);
      await config.update({ 'basic.debug': true }); // the next accepted change writes the file
      expect(JSON.parse(await readFile(file, 'utf8')).trigger.group.at).to.equal(true);
    });

    it('applies an edit of the file within a second', async () => {
      const { config, file, seen } = await start({ watch: true });
      const data = JSON.parse(await readFile(file, 'utf8'));
      data.trigger.prefixes = ['#edited'];
      const t0 = Date.now();
      await writeFile(file, JSON.stringify(data, null, 2));
      await eventually(() => config.get<string[]>('trigger.prefixes')[0] === '#edited', 1000, 'the edit to apply');
      expect(Date.now() - t0).to.be.below(1000);
      const event = await eventually(() => seen.find((e) => e.type === 'config-changed'), 1000, 'the event');
      expect(event).to.deep.include({ source: 'file', paths: ['trigger.prefixes'] });
    });

    it('refuses an invalid edit with a log line naming the file and the path, keeping the file and the configuration', async () => {
      const { config, file, lines } = await start({ watch: true });
      const data = JSON.parse(await readFile(file, 'utf8'));
      data.trigger.group.at = 'maybe';
      const text = JSON.stringify(data, null, 2);
      await writeFile(file, text);
      const line = await eventually(() => lines.find((l) => l.includes('refused the edit')), 1000, 'the refusal');
      expect(line).to.include(file).and.include('trigger.group.at');
      expect(config.get('trigger.group.at')).to.equal(true);
      expect(await readFile(file, 'utf8')).to.equal(text);

      await writeFile(file, '{"trigger": ');
      await eventually(() => lines.filter((l) => l.includes('refused the edit')).length === 2, 1000, 'the JSON refusal');
      expect(lines.at(-1)).to.include(file).and.include('not valid JSON');
      expect((await rejection(config.reload())).code).to.equal('INVALID_CONFIG');
      expect(config.version()).to.equal(1);
    });

    it('does not take its own writes for edits (no reload loop)', async () => {
      const { config, seen, lines } = await start({ watch: true });
      for (let i = 0; i < 3; i++) await config.update({ 'context.maxMessages': 40 + i });
      await sleep(500);
      expect(seen.filter((e) => e.type === 'config-changed')).to.have.length(3);
      expect(config.version()).to.equal(4);
      expect(lines.filter((l) => l.includes('edit'))).to.deep.equal([]);
      expect(await config.reload()).to.deep.equal([]);
    });
  });
});

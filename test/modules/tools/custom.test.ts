import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel } from './harness.ts';

describe('custom tools (/api/tools/custom)', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel();
  });
  after(async () => {
    await s?.stop();
  });

  const stored = async () => JSON.parse(await readFile(path.join(s.dataDir, 'custom-tools.json'), 'utf8')).tools;

  it('creates a definition (201), stores it and registers it as category "custom"', async () => {
    const res = await s.request('POST', '/api/tools/custom', {
      body: {
        name: 'greet',
        description: 'Greets someone',
        parameters: { type: 'object', properties: { who: { type: 'string' } }, required: ['who'], additionalProperties: false },
        handler: 'return { greeting: `Hello, ${args.who}!`, user: context.userId };',
      },
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.data).to.include({ name: 'greet', custom: true, description: 'Greets someone' });
    expect((await stored()).greet.handler).to.include('Hello');
    const view = (await s.request('GET', '/api/tools/greet')).body.data;
    expect(view).to.include({ category: 'custom', source: 'custom', available: true });
    expect((await s.request('GET', '/api/tools/custom')).body.data.map((d: { name: string }) => d.name)).to.deep.equal(['greet']);
    const skill = (await s.request('GET', '/api/skills/tools')).body.data.tools.find((t: { name: string }) => t.name === 'greet');
    expect(skill).to.include({ isCustom: true, isBuiltin: false, isJsTool: false, source: 'custom' });
    expect((await s.request('GET', '/api/skills/tools/by-source')).body.data.custom.tools.map((t: { name: string }) => t.name)).to.deep.equal(['greet']);
    expect((await s.request('GET', '/api/tools/builtin')).body.data.map((t: { name: string }) => t.name)).to.include('greet');
  });

  it('runs it with schema-checked arguments', async () => {
    const { value } = await callTool(s, 'greet', { who: 'Ada' });
    expect(value).to.deep.equal({ greeting: 'Hello, Ada!', user: 'master' });
    const refused = await callTool(s, 'greet', {});
    expect(refused.res.status).to.equal(400);
    expect(refused.res.body.code).to.equal('INVALID_ARGS');
  });

  it('is not affected by the master switch or allowedTools, but by disabledTools', async () => {
    await s.request('PUT', '/api/tools/builtin/config', { body: { enabled: false, allowedTools: ['calculate'] } });
    try {
      expect((await callTool(s, 'greet', { who: 'x' })).res.status).to.equal(200);
      await s.request('POST', '/api/tools/builtin/tool/toggle', { body: { toolName: 'greet', enabled: false } });
      expect((await callTool(s, 'greet', { who: 'x' })).res.status).to.equal(403);
    } finally {
      await s.request('PUT', '/api/tools/builtin/config', { body: { enabled: true, allowedTools: [], disabledTools: [] } });
    }
  });

  it('updates a definition and uses the new handler at once', async () => {
    const res = await s.request('PUT', '/api/tools/custom/greet', { body: { handler: 'return args.who.toUpperCase();' } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.updatedAt).to.be.a('string');
    const call = await callTool(s, 'greet', { who: 'ada' });
    expect(call.res.body.data.result.content[0].text).to.equal('ADA');
  });

  it('survives a restart', async () => {
    await s.restart();
    s.token = await s.loginAs({});
    const call = await callTool(s, 'greet', { who: 'bob' });
    expect(call.res.body.data.result.content[0].text).to.equal('BOB');
  });

  it('turns a throwing handler into a 500 EXECUTION_ERROR for that call only', async () => {
    await s.request('POST', '/api/tools/custom', { body: { name: 'boom', handler: 'throw new Error("kaput");' } });
    const { res } = await callTool(s, 'boom');
    expect(res.status).to.equal(500);
    expect(res.body).to.include({ code: 'EXECUTION_ERROR' });
    expect(res.body.error).to.include('kaput');
    expect((await s.request('GET', '/api/tools/list')).status).to.equal(200);
  });

  it('stops a handler that loops forever, and has no require or process', async () => {
    for (const [name, handler] of [['spin', 'while (true) {}'], ['spin_later', 'await null; while (true) {}']]) {
      await s.request('POST', '/api/tools/custom', { body: { name, handler } });
      const started = Date.now();
      const spin = await callTool(s, name);
      expect(spin.res.status, name).to.equal(500);
      expect(Date.now() - started).to.be.below(5000);
    }
    expect((await s.request('GET', '/api/tools/list')).status).to.equal(200);
    await s.request('POST', '/api/tools/custom', { body: { name: 'later', handler: 'const x = await Promise.resolve(20); return x + 1;' } });
    expect((await callTool(s, 'later')).value).to.equal(21);
    await s.request('POST', '/api/tools/custom', { body: { name: 'escape', handler: 'return [typeof require, typeof process].join(",");' } });
    expect((await callTool(s, 'escape')).res.body.data.result.content[0].text).to.equal('undefined,undefined');
  });

  it('refuses a taken name with 409, a bad handler or schema with 400', async () => {
    for (const name of ['greet', 'calculate']) {
      const res = await s.request('POST', '/api/tools/custom', { body: { name } });
      expect(res.status, name).to.equal(409);
      expect(res.body.code).to.equal('TOOL_EXISTS');
    }
    const syntax = await s.request('POST', '/api/tools/custom', { body: { name: 'broken', handler: 'return (' } });
    expect(syntax.status).to.equal(400);
    expect(syntax.body.details[0].path).to.equal('body.handler');
    const schema = await s.request('POST', '/api/tools/custom', { body: { name: 'broken', parameters: { type: 'nonsense' } } });
    expect(schema.status).to.equal(400);
    expect(schema.body.details[0].path).to.equal('body.parameters');
    expect((await s.request('GET', '/api/tools/broken')).status).to.equal(404);
    expect(await stored()).not.to.have.property('broken');
  });

  it('refuses bad input', async () => {
    for (const [method, p, body, detail] of [
      ['POST', '/api/tools/custom', {}, 'body.name'],
      ['POST', '/api/tools/custom', { name: '../x' }, 'body.name'],
      ['POST', '/api/tools/custom', { name: 'x', parameters: 'schema' }, 'body.parameters'],
      ['POST', '/api/tools/custom', { name: 'x', handler: 5 }, 'body.handler'],
      ['POST', '/api/tools/custom', { name: 'x', colour: 'red' }, 'body.colour'],
      ['PUT', '/api/tools/custom/greet', {}, undefined],
      ['PUT', '/api/tools/custom/bad%20name', { description: 'x' }, 'params.name'],
      ['DELETE', '/api/tools/custom/bad%20name', undefined, 'params.name'],
    ] as const) {
      const res = await s.request(method, p, { body });
      expect(res.status, `${method} ${p} ${JSON.stringify(body)}`).to.equal(400);
      expect(res.body.code).to.equal('VALIDATION_ERROR');
      if (detail) expect(res.body.details.map((d: { path: string }) => d.path)).to.include(detail);
    }
    for (const [method, body] of [['PUT', { description: 'x' }], ['DELETE', undefined]] as const) {
      for (const missing of ['nope', 'toString', 'valueOf', 'hasOwnProperty']) {
        const res = await s.request(method, `/api/tools/custom/${missing}`, { body });
        expect(res.status, `${method} ${missing}`).to.equal(404);
        expect(res.body.code).to.equal('TOOL_NOT_FOUND');
      }
    }
  });

  it("refuses the names of an object's built-in keys, and the tool lists keep working", async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      expect((await s.request('POST', '/api/tools/custom', { body: { name } })).status, `POST ${name}`).to.equal(400);
      expect((await s.request('PUT', `/api/tools/custom/${name}`, { body: { description: 'x' } })).status, `PUT ${name}`).to.equal(400);
      expect((await s.request('DELETE', `/api/tools/custom/${name}`)).status, `DELETE ${name}`).to.equal(400);
    }
    const created = await s.request('POST', '/api/tools/custom', { body: { name: 'toString', description: 'a tool may be called so' } });
    expect(created.status).to.equal(201);
    for (const route of ['/api/tools', '/api/tools/stats', '/api/skills/tools']) expect((await s.request('GET', route)).status, route).to.equal(200);
    expect((await s.request('DELETE', '/api/tools/custom/toString')).status).to.equal(200);
    expect(await stored()).to.not.have.own.property('toString');
  });

  it('deletes a definition and unregisters the tool', async () => {
    const res = await s.request('DELETE', '/api/tools/custom/greet');
    expect(res.body.data).to.deep.equal({ success: true });
    expect((await s.request('GET', '/api/tools/greet')).status).to.equal(404);
    expect(await stored()).not.to.have.property('greet');
  });
});

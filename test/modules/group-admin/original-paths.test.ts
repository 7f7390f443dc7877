/**
 * The group-admin paths that exist only because the original plugin had them (docs/api.md#group-admin,
 * docs/statistics.md#original-paths): the scheduler stubs, today's usage and its reset, and the
 * stickers, each under `/:groupId` and in the original's group-less form (the caller's own group).
 * The usage is counted from real bot turns: a OneBot simulator's group messages through the local upstream.
 */
import { expect } from 'chai';
import { lstat, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seg, type OneBotSim } from '../../support/onebot.ts';
import type { Reply } from '../../support/server.ts';
import { ALICE, BOB, BOT, GROUP, OTHER_GROUP, startBridge, type Bridge } from '../onebot/bridge.ts';

type Operation = { deprecated?: boolean; summary?: string; parameters?: Array<{ name: string; in: string }>; 'x-no-body'?: boolean };

/** [method, path after the group, a query that makes it valid] */
const PATHS: Array<[string, string, string?]> = [
  ['GET', '/scheduler/status'],
  ['POST', '/scheduler/trigger'],
  ['GET', '/usage-stats'],
  ['POST', '/usage-stats/reset'],
  ['DELETE', '/emoji/clear'],
  ['DELETE', '/emoji/delete', '?file=none.png'],
  ['GET', '/emoji/view', '?file=none.png'],
];

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('png body')]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from('gif body')]);

/** Names a client might send to reach outside the group's folder, as they appear in the query string. */
const TRICKS = [
  '..',
  '../20003/secret.png',
  '..%2F20003%2Fsecret.png',
  '%2E%2E%2F20003%2Fsecret.png',
  '%252e%252e%252f20003%252fsecret.png',
  '20003%2Fsecret.png',
  '..%5C20003%5Csecret.png',
  'a.png%00.txt',
  '%2Fetc%2Fpasswd',
  'C%3A%5Cwindows%5Cwin.ini',
  '.hidden.png',
  '',
];

describe('group-admin: the original-only paths (scheduler, usage-stats, emoji)', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  let admin: string;
  let otherAdmin: string;
  const group = String(GROUP);
  const stickers = () => path.join(b.s.dataDir, 'emoji', group);
  const outside = () => path.join(b.s.dataDir, 'emoji', String(OTHER_GROUP), 'secret.png');

  before(async () => {
    b = await startBridge();
    admin = await b.s.loginAs({ groupId: group });
    otherAdmin = await b.s.loginAs({ groupId: String(OTHER_GROUP) });
    sim = await b.sim();
  });
  after(() => b?.stop());

  const send = (method: string, p: string, token?: string | null): Promise<Reply> => b.s.request(method, p, { token });
  const both = (p: string) => [`/api/group-admin/${group}${p}`, `/api/group-admin${p}`];

  /** The same status and body on the /:groupId form (master and admin) and the group-less form (admin). */
  async function sameOnBoth(method: string, p: string): Promise<Reply> {
    const [withGroup, groupless] = both(p);
    const byMaster = await send(method, withGroup);
    const byAdmin = await send(method, withGroup, admin);
    const own = await send(method, groupless, admin);
    expect([byAdmin.status, byAdmin.body], `${method} ${withGroup} as the admin`).to.deep.equal([byMaster.status, byMaster.body]);
    expect([own.status, own.body], `${method} ${groupless}`).to.deep.equal([byMaster.status, byMaster.body]);
    return byMaster;
  }

  it('answers the scheduler as the original did: there is none', async () => {
    const status = await sameOnBoth('GET', '/scheduler/status');
    expect(status.status).to.equal(200);
    expect(status.body.data).to.have.property('enabled', false);
    expect(status.body.data.message).to.match(/no scheduler/);
    const trigger = await sameOnBoth('POST', '/scheduler/trigger');
    expect(trigger.status).to.equal(200);
    expect(trigger.body.data).to.have.property('success', false);
    expect(trigger.body.data.message).to.match(/no scheduler/);
  });

  describe('usage-stats', () => {
    const stats = () => send('GET', `/api/group-admin/${group}/usage-stats`);
    async function answered(userId: number) {
      await sim.groupMessage({ groupId: GROUP, userId, segments: [seg.at(BOT), seg.text(' hi')] });
      await sim.nextAction('send_group_msg', 10_000);
    }
    /** The counts once `groupCount` reached `count` (the call is accounted for as the reply leaves). */
    async function whenCounted(count: number) {
      for (let i = 0; i < 100 && (await stats()).body.data.groupCount < count; i++) await new Promise((r) => setTimeout(r, 50));
      return (await stats()).body.data;
    }

    it("counts today's answered bot turns in the group, by user, against the group's quotas", async () => {
      const limit = await b.s.request('PUT', `/api/group-admin/${group}/usage-limit`, { token: admin, body: { dailyGroupLimit: 10, dailyUserLimit: 4 } });
      expect(limit.status, limit.text).to.equal(200);
      const empty = await stats();
      expect(empty.status).to.equal(200);
      expect(empty.body.data).to.include({ groupId: group, groupCount: 0, groupRemaining: 10, totalUsers: 0 });

      await answered(ALICE);
      await answered(BOB);
      await answered(ALICE);
      const data = await whenCounted(3);
      const today = new Date();
      const date = [today.getFullYear(), today.getMonth() + 1, today.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
      expect(data).to.deep.equal({
        groupId: group,
        date,
        groupCount: 3,
        dailyGroupLimit: 10,
        dailyUserLimit: 4,
        groupRemaining: 7,
        topUsers: [
          { userId: String(ALICE), count: 2 },
          { userId: String(BOB), count: 1 },
        ],
        totalUsers: 2,
      });
      await sameOnBoth('GET', '/usage-stats');
      // Another group's counts are its own.
      expect((await send('GET', `/api/group-admin/${OTHER_GROUP}/usage-stats`)).body.data).to.include({ groupCount: 0, groupRemaining: -1 });
    });

    it("resets today's counts of the group, on disk too, in both forms", async () => {
      expect((await stats()).body.data.groupCount).to.be.greaterThan(0);
      const reset = await send('POST', '/api/group-admin/usage-stats/reset', admin);
      expect(reset.status).to.equal(200);
      expect(reset.body.data).to.have.property('success', true);
      expect((await stats()).body.data).to.include({ groupCount: 0, totalUsers: 0, groupRemaining: 10 });
      const onDisk = JSON.parse(await readFile(path.join(b.s.dataDir, 'group-usage', `${group}.json`), 'utf8'));
      expect(onDisk).to.include({ groupCount: 0 });
      expect(onDisk.users).to.deep.equal({});

      await answered(BOB);
      expect((await whenCounted(1)).topUsers).to.deep.equal([{ userId: String(BOB), count: 1 }]);
      expect((await send('POST', `/api/group-admin/${group}/usage-stats/reset`)).status).to.equal(200);
      expect((await stats()).body.data.groupCount).to.equal(0);
    });
  });

  describe('emoji (the stickers in DATA_DIR/emoji/<groupId>/)', () => {
    beforeEach(async () => {
      await mkdir(path.join(stickers(), 'sub'), { recursive: true });
      await mkdir(path.dirname(outside()), { recursive: true });
      await writeFile(path.join(stickers(), 'a.png'), PNG);
      // Named .jpg, but a GIF: answered as what it is.
      await writeFile(path.join(stickers(), 'b.jpg'), GIF);
      await writeFile(path.join(stickers(), 'notes.txt'), 'not an image');
      await writeFile(path.join(stickers(), '表情 1.png'), PNG);
      await writeFile(outside(), PNG);
      // An earlier case may have left it (EEXIST); any other failure would leave the link cases untested.
      const link = path.join(stickers(), 'link.png');
      await symlink(outside(), link).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      expect((await lstat(link)).isSymbolicLink(), 'link.png is a link').to.equal(true);
    });

    it('answers a sticker with its bytes and its real content type, in both forms', async () => {
      for (const [file, bytes, type] of [['a.png', PNG, 'image/png'], ['b.jpg', GIF, 'image/gif'], [encodeURIComponent('表情 1.png'), PNG, 'image/png']] as const) {
        for (const p of both(`/emoji/view?file=${file}`)) {
          // fetch itself: the image's bytes, not text.
          const res = await fetch(`${b.s.url}${p}`, { headers: { authorization: `Bearer ${admin}` } });
          expect(res.status, p).to.equal(200);
          expect(res.headers.get('content-type'), p).to.equal(type);
          expect(res.headers.get('x-content-type-options'), p).to.equal('nosniff');
          expect(Buffer.from(await res.arrayBuffer()).equals(bytes), p).to.equal(true);
        }
      }
    });

    it('answers 404 EMOJI_NOT_FOUND for an unknown file, a file that is not an image, a folder and a link out of the folder', async () => {
      for (const file of ['missing.png', 'notes.txt', 'sub', 'link.png']) {
        const res = await send('GET', `/api/group-admin/${group}/emoji/view?file=${file}`, admin);
        expect(res.status, file).to.equal(404);
        expect(res.body.code, file).to.equal('EMOJI_NOT_FOUND');
        expect(res.text, file).not.to.include('png body');
      }
    });

    it('refuses path tricks with 400 VALIDATION_ERROR naming query.file, and never reads or deletes outside the folder', async () => {
      for (const method of ['GET', 'DELETE']) {
        const name = method === 'GET' ? 'view' : 'delete';
        for (const trick of TRICKS) {
          for (const p of both(`/emoji/${name}?file=${trick}`)) {
            const res = await send(method, p, admin);
            expect(res.status, `${method} ${p}`).to.equal(400);
            expect(res.body.code, `${method} ${p}`).to.equal('VALIDATION_ERROR');
            expect(res.body.details.map((d: { path: string }) => d.path), `${method} ${p}`).to.include('query.file');
          }
        }
        const missing = await send(method, `/api/group-admin/${group}/emoji/${name}`, admin);
        expect(missing.status).to.equal(400);
        expect(missing.body.details).to.deep.include({ path: 'query.file', message: 'is required' });
        expect((await send(method, `/api/group-admin/${group}/emoji/${name}?file=a.png&file=b.jpg`, admin)).status).to.equal(400);
      }
      expect(await readFile(outside())).to.deep.equal(PNG);
    });

    it('deletes one sticker, then answers 404 for it; a link is not followed and its target stays', async () => {
      let res = await send('DELETE', '/api/group-admin/emoji/delete?file=a.png', admin);
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.equal({ success: true, file: 'a.png' });
      await stat(path.join(stickers(), 'a.png')).then(() => expect.fail('a.png is still there'), (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'));
      res = await send('DELETE', `/api/group-admin/${group}/emoji/delete?file=a.png`);
      expect([res.status, res.body.code]).to.deep.equal([404, 'EMOJI_NOT_FOUND']);
      res = await send('DELETE', `/api/group-admin/${group}/emoji/delete?file=link.png`);
      expect(res.status).to.equal(404);
      res = await send('DELETE', `/api/group-admin/${group}/emoji/delete?file=sub`);
      expect(res.status).to.equal(404);
      expect(await readFile(outside())).to.deep.equal(PNG);
    });

    it('clears every sticker of the group and counts them; nothing of another group, no folder means 0', async () => {
      const res = await send('DELETE', '/api/group-admin/emoji/clear', admin);
      expect(res.status).to.equal(200);
      // a.png, b.jpg, notes.txt and 表情 1.png: files, not the folder or the link.
      expect(res.body.data).to.deep.equal({ success: true, count: 4 });
      expect((await readdir(stickers())).sort()).to.deep.equal(['link.png', 'sub']);
      expect(await readFile(outside())).to.deep.equal(PNG);
      expect((await send('DELETE', `/api/group-admin/${group}/emoji/clear`)).body.data).to.deep.equal({ success: true, count: 0 });
      expect((await send('DELETE', '/api/group-admin/no-stickers-here/emoji/clear')).body.data).to.deep.equal({ success: true, count: 0 });
    });
  });

  it('needs a token, keeps a group admin in its own group, and asks the master for a group in the group-less form', async () => {
    for (const [method, p, query = ''] of PATHS) {
      const [withGroup, groupless] = both(p + query);
      const what = `${method} ${p}`;
      expect((await send(method, withGroup, null)).status, what).to.equal(401);
      expect((await send(method, groupless, null)).status, what).to.equal(401);
      const other = await send(method, withGroup, otherAdmin);
      expect([other.status, other.body.code], what).to.deep.equal([403, 'FORBIDDEN']);
      const master = await send(method, groupless);
      expect([master.status, master.body.code], what).to.deep.equal([400, 'GROUP_REQUIRED']);
      expect(master.body.error, what).to.include(`/api/group-admin/<groupId>${p}`);
    }
  });

  it('lists every form in the OpenAPI document as deprecated, with a summary (and the POSTs as reading no body)', async () => {
    const doc = (await send('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    for (const [method, p, query] of PATHS) {
      for (const template of [`/api/group-admin/{groupId}${p}`, `/api/group-admin${p}`]) {
        const op = doc.paths[template]?.[method.toLowerCase()];
        expect(op, `${method} ${template}`).to.not.equal(undefined);
        expect(op!.deprecated, `${method} ${template}`).to.equal(true);
        expect(op!.summary, `${method} ${template}`).to.be.a('string').and.not.equal('');
        if (method === 'POST') expect(op!['x-no-body'], `${method} ${template}`).to.equal(true);
        if (query) expect(op!.parameters?.map((x) => `${x.in} ${x.name}`), `${method} ${template}`).to.include('query file');
      }
    }
  });
});

import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel } from './harness.ts';

describe('built-in tools over POST /api/tools/call', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel();
  });
  after(async () => {
    await s?.stop();
  });

  const refused = async (name: string, args: Record<string, unknown>, path?: string) => {
    const { res } = await callTool(s, name, args);
    expect(res.status, res.text).to.equal(400);
    expect(res.body).to.include({ success: false, code: 'INVALID_ARGS' });
    if (path) expect(res.body.details.map((d: { path: string }) => d.path)).to.include(path);
    return res;
  };

  describe('get_current_time', () => {
    it('answers the time in the requested zone with its offset', async () => {
      const before = Date.now();
      const { res, value } = await callTool(s, 'get_current_time', { timezone: 'Asia/Shanghai' });
      expect(res.status, res.text).to.equal(200);
      expect(value.timezone).to.equal('Asia/Shanghai');
      expect(value.utcOffset).to.equal('+08:00');
      expect(value.timestamp).to.be.within(before - 1000, Date.now() + 1000);
      const shanghai = new Date(value.timestamp + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      expect(value.local).to.equal(shanghai);
      expect(value.weekday).to.match(/day$/);
    });

    it('defaults to the server zone', async () => {
      const { value } = await callTool(s, 'get_current_time');
      expect(value.timezone).to.equal(Intl.DateTimeFormat().resolvedOptions().timeZone);
    });

    it('refuses an unknown time zone', () => refused('get_current_time', { timezone: 'Mars/Olympus_Mons' }, 'args.timezone'));
  });

  describe('date_add', () => {
    it('clamps the day when adding months', async () => {
      const { value } = await callTool(s, 'date_add', { date: '2024-01-31T10:00:00Z', amount: 1, unit: 'months', timezone: 'UTC' });
      expect(value.result).to.equal('2024-02-29T10:00:00.000Z');
    });

    it('subtracts days with a negative amount and shows the local time', async () => {
      const { value } = await callTool(s, 'date_add', { date: '2024-03-01T00:00:00Z', amount: -1, unit: 'days', timezone: 'Asia/Tokyo' });
      expect(value.result).to.equal('2024-02-29T00:00:00.000Z');
      expect(value.local).to.equal('2024-02-29 09:00:00');
    });

    it('refuses a date that is not one', () => refused('date_add', { date: 'next tuesday', amount: 1, unit: 'days' }, 'args.date'));
    it('refuses an unknown unit', () => refused('date_add', { amount: 1, unit: 'fortnights' }, 'args.unit'));
    it('refuses a missing amount', () => refused('date_add', { unit: 'days' }, 'args.amount'));
  });

  describe('date_diff', () => {
    it('counts totals and calendar parts', async () => {
      const { value } = await callTool(s, 'date_diff', { from: '2023-01-15T00:00:00Z', to: '2024-03-20T12:00:00Z' });
      expect(value.days).to.equal(430);
      expect(value.calendar).to.deep.equal({ years: 1, months: 2, days: 5, negative: false });
    });

    it('is negative when "to" is before "from"', async () => {
      const { value } = await callTool(s, 'date_diff', { from: '2024-01-02T00:00:00Z', to: '2024-01-01T00:00:00Z' });
      expect(value.hours).to.equal(-24);
      expect(value.calendar.negative).to.equal(true);
    });
  });

  describe('calculate', () => {
    for (const [expression, result] of [
      ['2 + 3 * 4', 14], ['(2 + 3) * 4', 20], ['-2 ^ 2', -4], ['2 ^ 3 ^ 2', 512], ['2 ** 10', 1024], ['10 % 4', 2],
      ['5!', 120], ['sqrt(16) + abs(-2)', 6], ['max(1, 7, 3)', 7], ['log(1000)', 3], ['log(8, 2)', 3], ['round(pi * 100)', 314], ['1.5e3 / .5', 3000],
    ] as const) {
      it(`evaluates ${expression} = ${result}`, async () => {
        const { res, value } = await callTool(s, 'calculate', { expression });
        expect(res.status, res.text).to.equal(200);
        expect(value.result).to.be.closeTo(result, 1e-9);
      });
    }

    for (const expression of ['1 +', '(1 + 2', '2 $ 3', 'constructor', 'process.exit(1)', 'this', 'sqrt(1, 2)', '1 / 0', '']) {
      it(`refuses ${JSON.stringify(expression)} with a 400`, () => refused('calculate', { expression }, 'args.expression'));
    }

    it('refuses a nesting deep enough to exhaust the stack', () => refused('calculate', { expression: '('.repeat(500) + '1' + ')'.repeat(500) }));
  });

  describe('random_number', () => {
    it('gives whole numbers within the inclusive range', async () => {
      const { value } = await callTool(s, 'random_number', { min: 1, max: 3, count: 100 });
      expect(value.values).to.have.length(100);
      for (const n of value.values) expect(n).to.be.oneOf([1, 2, 3]);
      expect(new Set(value.values).size).to.be.greaterThan(1);
    });

    it('gives decimals when integer is false', async () => {
      const { value } = await callTool(s, 'random_number', { min: 0.5, max: 0.75, integer: false, count: 20 });
      for (const n of value.values) expect(n).to.be.within(0.5, 0.75);
      expect(value.values.some((n: number) => !Number.isInteger(n))).to.equal(true);
    });

    it('refuses min greater than max', () => refused('random_number', { min: 5, max: 1 }, 'args.min'));
    it('refuses a count above 100', () => refused('random_number', { count: 101 }, 'args.count'));
  });

  describe('random_choice', () => {
    it('picks distinct items by default', async () => {
      const { value } = await callTool(s, 'random_choice', { choices: ['a', 'b', 'c', 'd'], count: 4 });
      expect([...value.picks].sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    });

    it('may repeat when unique is false', async () => {
      const { value } = await callTool(s, 'random_choice', { choices: ['x'], count: 3, unique: false });
      expect(value.picks).to.deep.equal(['x', 'x', 'x']);
    });

    it('refuses more distinct picks than items', () => refused('random_choice', { choices: ['a'], count: 2 }, 'args.count'));
    it('refuses an empty list', () => refused('random_choice', { choices: [] }, 'args.choices'));
  });

  describe('text_transform', () => {
    for (const [operation, text, result] of [
      ['uppercase', 'abc', 'ABC'], ['lowercase', 'ÀB', 'àb'], ['titlecase', 'hello big world', 'Hello Big World'],
      ['reverse', 'ab👍🏽c', 'c👍🏽ba'], ['trim', '  x  ', 'x'], ['slugify', 'Crème Brûlée, 2024!', 'creme-brulee-2024'],
      ['base64_encode', '你好', '5L2g5aW9'], ['base64_decode', '5L2g5aW9', '你好'], ['url_encode', 'a b&c', 'a%20b%26c'], ['url_decode', 'a%20b+c', 'a b c'],
      ['sha256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'], ['md5', 'abc', '900150983cd24fb0d6963f7d28e17f72'],
    ] as const) {
      it(`${operation}`, async () => {
        const { value } = await callTool(s, 'text_transform', { text, operation });
        expect(value.result).to.equal(result);
      });
    }

    it('stats counts characters, bytes, words and lines', async () => {
      const { value } = await callTool(s, 'text_transform', { text: 'hello world\nsecond 👍🏽', operation: 'stats' });
      expect(value.result).to.deep.equal({ characters: 20, codePoints: 21, bytes: 27, words: 3, lines: 2 });
    });

    it('refuses malformed percent-encoding', () => refused('text_transform', { text: '%E0%A4%A', operation: 'url_decode' }, 'args.text'));
    it('refuses malformed base64', () => refused('text_transform', { text: 'a$b', operation: 'base64_decode' }, 'args.text'));
    it('refuses an unknown operation', () => refused('text_transform', { text: 'x', operation: 'rot13' }, 'args.operation'));
  });

  describe('schema refusals', () => {
    it('refuses a missing required argument', () => refused('calculate', {}, 'args.expression'));
    it('refuses an argument of the wrong type', () => refused('calculate', { expression: 42 }, 'args.expression'));
    it('refuses an unknown argument', () => refused('get_current_time', { zone: 'UTC' }, 'args.zone'));
    it('refuses args that are not an object', async () => {
      const res = await s.request('POST', '/api/tools/call', { body: { name: 'calculate', args: 'x' } });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('VALIDATION_ERROR');
    });
  });
});

import { expect } from 'chai';
import { changedPaths, deepMerge, expandDotted, findForbiddenKey, getAt, pathProblem, unsetAt, type JsonObject } from '../../../kernel/config/paths.ts';

describe('config paths', () => {
  it('deep-merges objects while arrays and scalars replace', () => {
    const merged = deepMerge({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: null, e: { f: true } });
    expect(merged).to.deep.equal({ a: { b: 1, c: [3] }, d: null, e: { f: true } });
  });

  it('merges a dotted path through a list into that item only', () => {
    const base: JsonObject = { groups: [{ name: 'a', tools: ['x'] }, { name: 'b' }] };
    expect(deepMerge(base, expandDotted({ 'groups.0.name': 'z' }))).to.deep.equal({ groups: [{ name: 'z', tools: ['x'] }, { name: 'b' }] });
    expect(deepMerge(base, expandDotted({ 'groups.2': { name: 'c' } })).groups).to.have.length(3);
    expect(deepMerge(base, { groups: { 7: 'far' } })).to.deep.equal({ groups: { 7: 'far' } }); // not an item: replaces, and the schema refuses it
    const list = { l: [1, 2, 3] };
    expect(unsetAt(list, 'l.1')).to.equal(true);
    expect(list).to.deep.equal({ l: [1, 3] });
  });

  it('expands dotted keys, later keys merging into earlier ones', () => {
    expect(expandDotted({ 'trigger.group.at': false, trigger: { prefixes: ['#ai'] } })).to.deep.equal({
      trigger: { group: { at: false }, prefixes: ['#ai'] },
    });
  });

  it('lists changed leaves, naming the leaves of an object that appeared or vanished', () => {
    expect(changedPaths({ a: { b: 1, c: [1] }, x: 1 }, { a: { b: 2, c: [1] }, x: 1, n: { m: 1, o: 2 } })).to.deep.equal(['a.b', 'n.m', 'n.o']);
    expect(changedPaths({ a: { b: 1 } }, {})).to.deep.equal(['a.b']);
    expect(changedPaths({ a: [1, 2] }, { a: [1] })).to.deep.equal(['a']);
  });

  it('reads, unsets and refuses prototype keys', () => {
    const data = { a: { b: [10, 20] } };
    expect(getAt(data, 'a.b.1')).to.equal(20);
    expect(getAt(data, 'a.toString')).to.equal(undefined);
    expect(unsetAt(data, 'a.b')).to.equal(true);
    expect(data).to.deep.equal({ a: {} });
    expect(pathProblem('a..b')).to.match(/not a dotted path/);
    expect(pathProblem('a.constructor')).to.match(/__proto__/);
    expect(findForbiddenKey(JSON.parse('{"a": [{"b": {"__proto__": {"x": 1}}}]}'))).to.equal('a.0.b.__proto__');
  });
});

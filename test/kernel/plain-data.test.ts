import { expect } from 'chai';
import { MAX_DEPTH, plainDataProblem } from '../../kernel/plain-data.ts';

/** `levels` objects nested in one another: `{a: {a: … 1}}`. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('kernel/plain-data', () => {
  it('accepts JSON data, shared (not circular) references and data exactly MAX_DEPTH deep', () => {
    const shared = { x: 1 };
    for (const value of [null, 'text', 0, true, [], {}, JSON.parse('{"a":[1,{"b":null}],"c":"é😀"}'), [shared, shared], Object.create(null), nested(MAX_DEPTH)]) {
      expect(plainDataProblem(value), JSON.stringify(value)).to.equal(null);
    }
  });

  it('names data nested deeper than MAX_DEPTH, and checks 100,000 levels without overflowing', () => {
    expect(plainDataProblem(nested(MAX_DEPTH + 1))).to.match(new RegExp(`^a(\\.a){${MAX_DEPTH - 1}} is nested more than ${MAX_DEPTH} levels deep$`));
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(plainDataProblem(deep)).to.match(/^\[0\]\[0\].* is nested more than/);
    expect(plainDataProblem({ list: [[[]]] }, 3)).to.equal('list[0][0] is nested more than 3 levels deep');
  });

  it('names cycles, values JSON cannot hold and objects that are not plain', () => {
    const cycle: Record<string, unknown> = { a: { b: [] } };
    ((cycle.a as Record<string, unknown[]>).b).push(cycle);
    expect(plainDataProblem(cycle)).to.equal('a.b[0] refers to itself');
    expect(plainDataProblem({ n: Infinity })).to.equal('n is not a finite number');
    expect(plainDataProblem({ basic: new Uint8Array(2) })).to.equal('basic is not plain JSON data (Uint8Array)');
    expect(plainDataProblem([new Date()])).to.equal('[0] is not plain JSON data (Date)');
    expect(plainDataProblem({ f: () => 1 })).to.equal('f is a function, not JSON data');
    expect(plainDataProblem(new Map())).to.equal('the document is not plain JSON data (Map)');
  });
});

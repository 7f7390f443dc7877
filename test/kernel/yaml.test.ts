import { expect } from 'chai';
import YAML from 'yaml';
import { MAX_DEPTH } from '../../kernel/plain-data.ts';
import { MAX_ALIASES, readYaml, YamlError } from '../../kernel/yaml.ts';
import { manyKeys, NESTED_YAML, QUICK_MS } from '../support/hostile-yaml.ts';

/** What readYaml threw, for assertions. */
function refusal(text: string): YamlError {
  try {
    readYaml(text);
  } catch (err) {
    if (err instanceof YamlError) return err;
    throw err;
  }
  throw new Error('readYaml accepted the text');
}

/** `levels` arrays nested in one another around 1, and the same with objects under `k`. */
const arrays = (levels: number): unknown => (levels === 0 ? 1 : [arrays(levels - 1)]);
const objects = (levels: number): unknown => (levels === 0 ? 1 : { k: objects(levels - 1) });

/** Each way YAML nests, `levels` deep. */
const styles: Record<string, (levels: number) => string> = {
  'block mappings': (levels) => YAML.stringify(objects(levels)),
  'block sequences': (levels) => YAML.stringify(arrays(levels)),
  'compact sequences (- - -)': (levels) => '- '.repeat(levels) + '1\n',
  'flow sequences': (levels) => '['.repeat(levels) + '1' + ']'.repeat(levels),
  'flow mappings': (levels) => '{k: '.repeat(levels) + '1' + '}'.repeat(levels),
};

describe('kernel/yaml readYaml', () => {
  it('reads YAML and JSON as plain data', () => {
    expect(readYaml('a:\n  - 1\n  - {b: "c"}\n')).to.deep.equal({ a: [1, { b: 'c' }] });
    expect(readYaml('{"a": [true, null]}')).to.deep.equal({ a: [true, null] });
    expect(readYaml('')).to.equal(null);
  });

  for (const [style, text] of Object.entries(styles)) {
    it(`takes ${style} exactly ${MAX_DEPTH} levels deep and refuses one more`, () => {
      expect(readYaml(text(MAX_DEPTH))).to.deep.equal(style.includes('mapping') ? objects(MAX_DEPTH) : arrays(MAX_DEPTH));
      const refused = refusal(text(MAX_DEPTH + 1));
      expect(refused.kind).to.equal('data');
      expect(refused.message).to.match(new RegExp(`nested more than ${MAX_DEPTH} levels deep`));
    });
  }

  it('stops nesting that would overflow the parser or the composer before it recurses, saying where', () => {
    // Each of these overflowed the stack in the yaml package (the dedent after 300,000 "- " in its parser).
    for (const text of [NESTED_YAML, '{a: '.repeat(100_000), '- '.repeat(300_000) + 'x\n- y\n', 'a: '.repeat(100_000) + 'x\n', '? '.repeat(100_000)]) {
      const refused = refusal(text);
      expect(refused.kind, text.slice(0, 10)).to.equal('data');
      expect(refused.message).to.match(new RegExp(`^the document is nested more than ${MAX_DEPTH} levels deep \\(line 1, column \\d+\\)$`));
      expect(refused.place!.column).to.be.within(MAX_DEPTH, 5 * MAX_DEPTH);
    }
    let indented = '';
    for (let i = 0; i < 1000; i++) indented += `${' '.repeat(i)}k${i}:\n`;
    expect(refusal(indented).place!.line).to.equal(MAX_DEPTH + 2);
  });

  it('finds a repeated key among 40,000 in linear time, with its line and column', function () {
    // The yaml package's own check compared each key with every earlier one.
    this.timeout(20_000);
    const started = performance.now();
    const refused = refusal(manyKeys(40_000));
    expect(performance.now() - started).to.be.below(QUICK_MS);
    expect(refused.kind).to.equal('syntax');
    expect(refused.message).to.equal('Map keys must be unique: "key0" is repeated');
    expect(refused.place).to.deep.equal({ line: 40_000, column: 1 });
    expect(Object.keys(readYaml(manyKeys(40_000, false)) as object)).to.have.length(40_000);
  });

  it('calls keys repeated when they would be the same property, in block and flow mappings', () => {
    expect(refusal('a: 1\nb:\n  c: 2\n  "c": 3\n').place).to.deep.equal({ line: 4, column: 3 });
    expect(refusal('1: a\n"1": b\n').message).to.match(/"1" is repeated/);
    expect(refusal('x: {a: 1, b: 2, a: 3}\n').place).to.deep.equal({ line: 1, column: 17 });
    expect(refusal('~: a\n"": b\n').message).to.match(/"" is repeated/);
    expect(readYaml('- {a: 1}\n- {a: 2}\n')).to.deep.equal([{ a: 1 }, { a: 2 }]);
  });

  it(`takes ${MAX_ALIASES} aliases and refuses one more, without comparing each with every anchor`, function () {
    this.timeout(20_000);
    const anchors = (n: number) => Array.from({ length: n }, (_, i) => `- &a${i} x${i}\n`).join('');
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `- *a${i}\n`).join('');
    expect((readYaml(anchors(MAX_ALIASES) + aliases(MAX_ALIASES)) as string[]).slice(-1)).to.deep.equal([`x${MAX_ALIASES - 1}`]);
    // 20,000 anchors each used once took the yaml package 22 s (every alias looks through all anchors).
    const started = performance.now();
    const refused = refusal(anchors(20_000) + aliases(20_000));
    expect(performance.now() - started).to.be.below(QUICK_MS);
    expect(refused.message).to.equal(`more than ${MAX_ALIASES} aliases in one document`);
    expect(refused.place).to.deep.equal({ line: 20_000 + MAX_ALIASES + 1, column: 3 });
  });

  it('stops at the first error instead of collecting one per bad token', function () {
    // The yaml package made an Error for every stray "}" of these: about 10 s for 200,000.
    this.timeout(20_000);
    const started = performance.now();
    const refused = refusal('a: 1\n' + '}'.repeat(200_000));
    expect(performance.now() - started).to.be.below(2_000);
    expect(refused).to.deep.include({ kind: 'syntax', place: { line: 2, column: 1 } });
    expect(refused.message).to.match(/^Unexpected flow-map-end/);
  });

  it("relies on the yaml composer's onError, which it replaces to stop at the first error", () => {
    // Not in the package's typings: an upgrade that renames it would bring back an Error per fault.
    const composer = new YAML.Composer() as unknown as { onError?: unknown };
    expect(composer.onError).to.be.a('function');
    expect(refusal('- *\n'.repeat(1000))).to.deep.include({ kind: 'syntax', message: 'Alias cannot be an empty string', place: { line: 1, column: 3 } });
  });

  it('names syntax errors with their place, and refuses more than one document', () => {
    const bad = refusal('trigger:\n  prefixes: [\n    "#a"\nbasic: 1\n');
    expect(bad).to.deep.include({ kind: 'syntax', place: { line: 4, column: 1 } });
    expect(refusal('a: 1\n---\nb: 2\n')).to.deep.include({ kind: 'syntax', message: 'the text holds more than one document', place: { line: 2, column: 1 } });
  });

  it('refuses what is not plain JSON data: a cycle through an alias, a binary tag, an alias bomb', () => {
    expect(refusal('a: &a [*a]\n')).to.deep.include({ kind: 'data', message: 'a[0] refers to itself' });
    expect(refusal('b: !!binary aGVsbG8=\n').kind).to.equal('data');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abc'[i]}`).join(', ')}]`)].join('\n');
    expect(refusal(bomb).message).to.match(/Excessive alias count/);
  });
});

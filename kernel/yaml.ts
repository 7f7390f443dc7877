/**
 * The one way the server reads YAML (config import and validate, the config CLI, preset import).
 * The yaml package recurses once per level of nesting, in its parser (a dedent that closes many
 * levels) and its composer: about 1,000 levels — 2 KB of "[" — overflow the stack, and the second
 * such request aborted the process. So the parser is driven here token by token and stopped as soon
 * as it holds more open nodes than MAX_DEPTH allows, before anything recursed that deep. Its own
 * duplicate-key check compares each key with every earlier one (40,000 keys: 28 s), and each alias
 * looks for its anchor among all anchors before it: keys are checked here with a Set per mapping
 * instead, and aliases are capped.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import { MAX_DEPTH, plainDataProblem } from './plain-data.ts';

// The yaml package (80-odd files) is needed only for export and import: loaded at first use.
const loadYaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');

/** Aliases (`*name`) a document may hold; each costs a walk over the anchors and aliases before it. */
export const MAX_ALIASES = 100;
// What toJS may expand: alias uses times the nodes each repeats ("billion laughs").
const MAX_ALIAS_EXPANSION = 100;
// The parser's stack holds the document, the open collections and the scalar being read.
const MAX_OPEN_NODES = MAX_DEPTH + 2;

/** Where in a text, 1-based. */
export interface TextPlace {
  line: number;
  column: number;
}

/**
 * Why a YAML text was refused. `syntax`: it cannot be read as one YAML document; `data`: it reads
 * as something other than plain JSON data. `place` says where, when that is known.
 */
export class YamlError extends Error {
  constructor(
    readonly kind: 'syntax' | 'data',
    message: string,
    readonly place?: TextPlace,
  ) {
    super(message);
  }
}

/** Reads one YAML document (JSON is YAML too) as plain JSON data; throws YamlError. */
export function readYaml(text: string): unknown {
  const yaml = loadYaml();
  const lines = new yaml.LineCounter();
  const doc = composeOne(text, yaml, lines);
  const refused = linearChecks(doc, yaml);
  if (refused) throw new YamlError('syntax', refused.message, placeOf(lines, refused.offset));
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (err) {
    throw new YamlError('syntax', (err as Error).message);
  }
  // YAML can say more than JSON: an alias to itself (a cycle), tags such as !!binary or !!timestamp.
  const problem = plainDataProblem(value);
  if (problem) throw new YamlError('data', problem);
  return value;
}

/** Where the composer says an error is: an offset, a range, or a token. */
type ErrorSource = number | readonly number[] | { offset: number };

/**
 * The document the text holds, stopped at its first error. The yaml package would go on to the end
 * and make an Error (with its stack) for every fault: a megabyte of "}" made a million of them
 * (50 s), of bad tabs a quarter of a million.
 */
function composeOne(text: string, yaml: typeof import('yaml'), lines: LineCounter): Document.Parsed {
  const place = (offset: number) => placeOf(lines, offset);
  const parser = new yaml.Parser(lines.addNewLine);
  lines.addNewLine(0); // what Parser.parse() would say first; next() is driven here instead
  function* tokens() {
    for (const lexeme of new yaml.Lexer().lex(text)) {
      for (const token of parser.next(lexeme)) {
        if (token.type === 'error') throw new YamlError('syntax', strayToken(token), place(token.offset));
        yield token;
      }
      if (parser.stack.length > MAX_OPEN_NODES) {
        const at = place(parser.offset);
        throw new YamlError('data', `the document is nested more than ${MAX_DEPTH} levels deep (line ${at.line}, column ${at.column})`, at);
      }
    }
    yield* parser.end();
  }
  const composer = new yaml.Composer({ uniqueKeys: false, logLevel: 'error' });
  // Not in the package's typings, but how its composer reports every error and warning. Where it
  // catches what was thrown, it reports that again: the first error is thrown again until it is out.
  // test/kernel/yaml.test.ts checks that the field is still there.
  let first: YamlError | undefined;
  const reporting = composer as unknown as { onError: (source: ErrorSource, code: string, message: string, warning?: boolean) => void };
  reporting.onError = (source, _code, message, warning) => {
    if (warning) return;
    first ??= new YamlError('syntax', message, place(typeof source === 'number' ? source : 'offset' in source ? source.offset : source[0]));
    throw first;
  };

  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens(), true, text.length)) {
    if (first) throw first;
    if (doc) throw new YamlError('syntax', 'the text holds more than one document', place(next.range[0]));
    const error = next.errors[0];
    if (error) throw new YamlError('syntax', error.message, place(error.pos[0]));
    doc = next;
  }
  if (first) throw first;
  return doc!;
}

const placeOf = (lines: LineCounter, offset: number): TextPlace => {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
};

const strayToken = ({ message, source }: { message: string; source: string }) =>
  source ? `${message}: ${JSON.stringify(source.slice(0, 40))}` : message;

/**
 * The first (in the text) repeated key of a mapping — two keys that would be the same property of
 * the JS object, so one would silently replace the other — or alias too many; null when neither.
 * A loop over the nodes, each visited once.
 */
function linearChecks(doc: Document.Parsed, yaml: typeof import('yaml')): { message: string; offset: number } | null {
  let first: { message: string; offset: number } | null = null;
  const refuse = (message: string, node: Node) => {
    const offset = node.range?.[0] ?? 0;
    if (!first || offset < first.offset) first = { message, offset };
  };
  let aliases = 0;
  // Children are pushed last first, so nodes come off in the order of the text.
  const pending: unknown[] = [doc.contents];
  while (pending.length) {
    const node = pending.pop();
    if (yaml.isAlias(node)) {
      if (++aliases === MAX_ALIASES + 1) refuse(`more than ${MAX_ALIASES} aliases in one document`, node);
    } else if (yaml.isMap(node)) {
      const seen = new Set<string>();
      for (const { key } of node.items) {
        // A collection as a key is never equal to another, as in the yaml package's own check.
        if (!yaml.isScalar(key) || (typeof key.value === 'object' && key.value !== null)) continue;
        const name = key.value === null ? '' : String(key.value);
        if (seen.has(name)) refuse(`Map keys must be unique: "${name.slice(0, 40)}" is repeated`, key);
        seen.add(name);
      }
      for (let i = node.items.length - 1; i >= 0; i--) pending.push(node.items[i].value, node.items[i].key);
    } else if (yaml.isSeq(node)) {
      // !!omap and !!pairs hold pairs in a sequence.
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        if (yaml.isPair(item)) pending.push(item.value, item.key);
        else pending.push(item);
      }
    }
  }
  return first;
}

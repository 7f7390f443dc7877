/** Category `utils`: a calculator, random numbers and choices, and text utilities. */
import { createHash, getRandomValues, randomInt } from 'node:crypto';
import { HttpError, type ToolDefinition } from '../../../kernel/index.ts';
import { evaluate, ExpressionError, KNOWN_NAMES } from '../expression.ts';

const invalid = (message: string, path?: string) => new HttpError(400, 'INVALID_ARGS', message, path ? { details: [{ path: `args.${path}`, message }] } : {});

/** A uniformly distributed float in [0, 1) with 53 random bits. */
function randomFloat(): number {
  const [hi, lo] = getRandomValues(new Uint32Array(2));
  return ((hi >>> 5) * 67_108_864 + (lo >>> 6)) / 9_007_199_254_740_992;
}

const TEXT_OPERATIONS: Record<string, (text: string) => unknown> = {
  uppercase: (t) => t.toUpperCase(),
  lowercase: (t) => t.toLowerCase(),
  titlecase: (t) => t.toLowerCase().replace(/(^|[\s\-_])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase()),
  reverse: (t) => [...new Intl.Segmenter().segment(t)].map((s) => s.segment).reverse().join(''),
  trim: (t) => t.trim(),
  stats: (t) => ({
    characters: [...new Intl.Segmenter().segment(t)].length,
    codePoints: [...t].length,
    bytes: Buffer.byteLength(t),
    words: [...new Intl.Segmenter(undefined, { granularity: 'word' }).segment(t)].filter((s) => s.isWordLike).length,
    lines: t === '' ? 0 : t.split(/\r\n|\r|\n/).length,
  }),
  slugify: (t) => t.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, ''),
  base64_encode: (t) => Buffer.from(t, 'utf8').toString('base64'),
  base64_decode: (t) => {
    const compact = t.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) throw invalid('text is not valid base64', 'text');
    return Buffer.from(compact, 'base64').toString('utf8');
  },
  url_encode: (t) => encodeURIComponent(t),
  url_decode: (t) => {
    try {
      return decodeURIComponent(t.replace(/\+/g, ' '));
    } catch {
      throw invalid('text is not valid percent-encoding', 'text');
    }
  },
  sha256: (t) => createHash('sha256').update(t).digest('hex'),
  md5: (t) => createHash('md5').update(t).digest('hex'),
};

export const utilsTools: ToolDefinition[] = [
  {
    name: 'calculate',
    description: `Evaluates an arithmetic expression: + - * / % ^ (or **), ! (factorial), parentheses, constants (${KNOWN_NAMES.constants.join(', ')}) and functions (${KNOWN_NAMES.functions.join(', ')}). Trigonometry uses radians; log(x) is base 10, ln(x) natural, log(x, b) base b.`,
    category: 'utils',
    inputSchema: {
      type: 'object',
      properties: { expression: { type: 'string', minLength: 1, maxLength: 1000, description: 'For example "2 * (3 + 4) ^ 2" or "sqrt(2) * sin(pi / 4)"' } },
      required: ['expression'],
      additionalProperties: false,
    },
    handler(args) {
      const expression = args.expression as string;
      let result: number;
      try {
        result = evaluate(expression);
      } catch (err) {
        if (err instanceof ExpressionError) throw invalid(err.message, 'expression');
        throw err;
      }
      if (!Number.isFinite(result)) throw invalid('The expression has no finite value', 'expression');
      return { expression, result };
    },
  },
  {
    name: 'random_number',
    description: 'Random numbers between min and max (inclusive for integers), from a cryptographic source.',
    category: 'utils',
    inputSchema: {
      type: 'object',
      properties: {
        min: { type: 'number', default: 0 },
        max: { type: 'number', default: 100 },
        integer: { type: 'boolean', default: true, description: 'Whole numbers (default) or decimals' },
        count: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
      },
      additionalProperties: false,
    },
    handler(args) {
      const { min, max, integer, count } = args as { min: number; max: number; integer: boolean; count: number };
      if (min > max) throw invalid('min must not be greater than max', 'min');
      if (integer) {
        const low = Math.ceil(min);
        const high = Math.floor(max);
        if (low > high) throw invalid('There is no whole number between min and max', 'min');
        if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high - low >= 2 ** 48 - 1) throw invalid('The range of whole numbers is too large (at most 2^48)', 'max');
        return { min: low, max: high, values: Array.from({ length: count }, () => randomInt(low, high + 1)) };
      }
      return { min, max, values: Array.from({ length: count }, () => min + randomFloat() * (max - min)) };
    },
  },
  {
    name: 'random_choice',
    description: 'Picks one or more items at random from a list (with or without repetition).',
    category: 'utils',
    inputSchema: {
      type: 'object',
      properties: {
        choices: { type: 'array', items: { type: 'string', maxLength: 1000 }, minItems: 1, maxItems: 1000 },
        count: { type: 'integer', minimum: 1, maximum: 1000, default: 1 },
        unique: { type: 'boolean', default: true, description: 'Never pick the same position twice' },
      },
      required: ['choices'],
      additionalProperties: false,
    },
    handler(args) {
      const { choices, count, unique } = args as { choices: string[]; count: number; unique: boolean };
      if (unique && count > choices.length) throw invalid(`Cannot pick ${count} different items out of ${choices.length}`, 'count');
      if (!unique) return { picks: Array.from({ length: count }, () => choices[randomInt(choices.length)]) };
      // Partial Fisher–Yates shuffle: the first `count` positions are a uniform sample without repetition.
      const pool = [...choices];
      for (let i = 0; i < count; i++) {
        const j = i + randomInt(pool.length - i);
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      return { picks: pool.slice(0, count) };
    },
  },
  {
    name: 'text_transform',
    description: 'Text utilities: change case, reverse, trim, count (stats), slugify, base64 and URL encoding, SHA-256 and MD5 hashes.',
    category: 'utils',
    inputSchema: {
      type: 'object',
      properties: {
        text: { type: 'string', maxLength: 100_000 },
        operation: { type: 'string', enum: Object.keys(TEXT_OPERATIONS) },
      },
      required: ['text', 'operation'],
      additionalProperties: false,
    },
    handler(args) {
      const operation = args.operation as string;
      return { operation, result: TEXT_OPERATIONS[operation](args.text as string) };
    },
  },
];

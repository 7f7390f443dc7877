/**
 * A small arithmetic expression evaluator for the calculator tool: a recursive-descent parser over
 * numbers, + - * / % ^ (or **), unary signs, factorial (!), parentheses, named constants and a fixed
 * set of Math functions. It never hands text to eval or Function.
 */

export class ExpressionError extends Error {}

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  cbrt: { arity: [1, 1], fn: Math.cbrt },
  abs: { arity: [1, 1], fn: Math.abs },
  sign: { arity: [1, 1], fn: Math.sign },
  sin: { arity: [1, 1], fn: Math.sin },
  cos: { arity: [1, 1], fn: Math.cos },
  tan: { arity: [1, 1], fn: Math.tan },
  asin: { arity: [1, 1], fn: Math.asin },
  acos: { arity: [1, 1], fn: Math.acos },
  atan: { arity: [1, 1], fn: Math.atan },
  atan2: { arity: [2, 2], fn: Math.atan2 },
  sinh: { arity: [1, 1], fn: Math.sinh },
  cosh: { arity: [1, 1], fn: Math.cosh },
  tanh: { arity: [1, 1], fn: Math.tanh },
  exp: { arity: [1, 1], fn: Math.exp },
  ln: { arity: [1, 1], fn: Math.log },
  log: { arity: [1, 2], fn: (x, base) => (base === undefined ? Math.log10(x) : Math.log(x) / Math.log(base)) },
  log2: { arity: [1, 1], fn: Math.log2 },
  log10: { arity: [1, 1], fn: Math.log10 },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  round: { arity: [1, 1], fn: Math.round },
  trunc: { arity: [1, 1], fn: Math.trunc },
  pow: { arity: [2, 2], fn: Math.pow },
  min: { arity: [1, 100], fn: Math.min },
  max: { arity: [1, 100], fn: Math.max },
  hypot: { arity: [1, 100], fn: Math.hypot },
};

/** Names the calculator knows, for its tool description. */
export const KNOWN_NAMES = { constants: Object.keys(CONSTANTS), functions: Object.keys(FUNCTIONS) };

type Token = { kind: 'num'; value: number; pos: number } | { kind: 'id'; value: string; pos: number } | { kind: 'op'; value: string; pos: number };

const MAX_DEPTH = 64;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/%^!(),])/y;
  let pos = 0;
  while (pos < text.length) {
    if (/\s/.test(text[pos])) {
      pos++;
      continue;
    }
    pattern.lastIndex = pos;
    const m = pattern.exec(text);
    if (!m) throw new ExpressionError(`Unexpected character "${text[pos]}" at position ${pos + 1}`);
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]), pos: pos + 1 });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', value: m[2].toLowerCase(), pos: pos + 1 });
    else tokens.push({ kind: 'op', value: m[3] === '**' ? '^' : m[3], pos: pos + 1 });
    pos = pattern.lastIndex;
  }
  return tokens;
}

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new ExpressionError('Factorial needs a non-negative integer');
  if (n > 170) return Infinity;
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

/** Evaluates `text`; throws ExpressionError with a position on bad syntax or an unknown name. */
export function evaluate(text: string): number {
  const tokens = tokenize(text);
  let i = 0;
  let depth = 0;
  const peek = () => tokens[i];
  const isOp = (value: string) => peek()?.kind === 'op' && peek()!.value === value;
  const where = () => (peek() ? `at position ${peek()!.pos}` : 'at the end');
  const expect = (value: string) => {
    if (!isOp(value)) throw new ExpressionError(`Expected "${value}" ${where()}`);
    i++;
  };
  const nested = <T>(fn: () => T): T => {
    if (++depth > MAX_DEPTH) throw new ExpressionError('Expression is nested too deeply');
    try {
      return fn();
    } finally {
      depth--;
    }
  };

  const sum = (): number => {
    let value = product();
    while (isOp('+') || isOp('-')) value = tokens[i++].value === '+' ? value + product() : value - product();
    return value;
  };
  const product = (): number => {
    let value = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = tokens[i++].value;
      const right = unary();
      if ((op === '/' || op === '%') && right === 0) throw new ExpressionError('Division by zero');
      value = op === '*' ? value * right : op === '/' ? value / right : value % right;
    }
    return value;
  };
  // Unary signs bind looser than ^, so -2^2 is -4 as in mathematics.
  const unary = (): number => nested(() => {
    if (isOp('-')) return i++, -unary();
    if (isOp('+')) return i++, unary();
    return power();
  });
  const power = (): number => {
    const base = postfix();
    if (!isOp('^')) return base;
    i++;
    return Math.pow(base, unary());
  };
  const postfix = (): number => {
    let value = primary();
    while (isOp('!')) i++, (value = factorial(value));
    return value;
  };
  const primary = (): number => {
    const token = peek();
    if (!token) throw new ExpressionError('Unexpected end of expression');
    i++;
    if (token.kind === 'num') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const value = nested(sum);
      expect(')');
      return value;
    }
    if (token.kind === 'id') {
      const fn = FUNCTIONS[token.value];
      if (fn && isOp('(')) {
        i++;
        const args: number[] = [];
        if (!isOp(')')) {
          args.push(nested(sum));
          while (isOp(',')) i++, args.push(nested(sum));
        }
        expect(')');
        if (args.length < fn.arity[0] || args.length > fn.arity[1]) {
          throw new ExpressionError(`${token.value}() takes ${fn.arity[0] === fn.arity[1] ? fn.arity[0] : `${fn.arity[0]} to ${fn.arity[1]}`} argument(s), got ${args.length}`);
        }
        return fn.fn(...args);
      }
      if (token.value in CONSTANTS) return CONSTANTS[token.value];
      throw new ExpressionError(`Unknown name "${token.value}" at position ${token.pos}`);
    }
    throw new ExpressionError(`Unexpected "${token.value}" at position ${token.pos}`);
  };

  if (tokens.length === 0) throw new ExpressionError('Empty expression');
  const value = sum();
  if (i < tokens.length) throw new ExpressionError(`Unexpected "${String(tokens[i].value)}" at position ${tokens[i].pos}`);
  return value;
}

/**
 * A local stand-in for LLM providers, on loopback, speaking the real wire protocols:
 * OpenAI chat completions, Anthropic Messages and Gemini generateContent, JSON or SSE streamed.
 *
 * Tests script *what* the model answers (text, tool calls, an error, a slow or dropped answer);
 * the server renders it in the protocol the request used, so one script works for every adapter:
 *
 * ```ts
 * const up = await startUpstream();
 * up.enqueue({ toolCalls: [{ name: 'get_time', args: {} }] }, { text: 'It is noon.' });
 * // point a channel at up.baseUrl('openai') (or 'claude' / 'gemini') …
 * expect(up.requests[0].body.messages).to.have.length(2);
 * await up.close();
 * ```
 *
 * Routes: `POST …/chat/completions` (openai), `POST …/messages` (claude),
 * `POST …/models/<m>:generateContent|:streamGenerateContent` (gemini), `GET …/models` (model list,
 * in OpenAI shape, or Gemini's under `/v1beta`), anything else `GET` → 200 `{ok:true}` (probes).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Protocol = 'openai' | 'claude' | 'gemini';

/** One scripted answer. Without `error`/`status`/`raw`, it is a successful model answer. */
export interface ScriptedReply {
  /** The assistant's text (streamed as `chunks`, or split into a few pieces when streaming). */
  text?: string;
  /** Exact stream pieces; their concatenation is the text. */
  chunks?: string[];
  /** Tool calls the model asks for (ids are generated when absent). */
  toolCalls?: Array<{ id?: string; name: string; args: Record<string, unknown> }>;
  usage?: { promptTokens: number; completionTokens: number };
  /** Model name reported back (default: the requested one). */
  model?: string;
  /** An error answer in the protocol's own error shape, e.g. `{status: 429, message: 'slow down'}`. */
  error?: { status: number; message: string };
  /** Raw answer: this status with `json` or `raw` as the body, no protocol rendering. */
  status?: number;
  json?: unknown;
  raw?: string;
  contentType?: string;
  /** Wait this long before sending headers (a slow upstream). */
  delayMs?: number;
  /** Wait this long between streamed frames (default 0). */
  chunkDelayMs?: number;
  /** Never answer: the request stays open until the client gives up. */
  hang?: boolean;
  /** Drop the connection: before any byte, or after the first streamed frame. */
  drop?: 'before-headers' | 'mid-stream';
}

/** A reply, or a function that builds one from the request it answers. */
export type Reply = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined for none or non-JSON). */
  body: any;
  /** Which protocol the path belongs to, `models` for model lists, `other` for anything else. */
  protocol: Protocol | 'models' | 'other';
  /** Whether the client asked for a streamed answer. */
  stream: boolean;
  /** The model asked for (body `model`, or the Gemini path segment). */
  model?: string;
  /** True once the client closed the connection before the answer was complete. */
  closedEarly: boolean;
  /** Resolves when the connection for this request has closed (either side). */
  closed: Promise<void>;
}

export interface Upstream {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Model ids served by `GET …/models`. */
  models: string[];
  /** The base URL a channel of this adapter type would use (`/v1` for openai and claude, the root for gemini). */
  baseUrl(protocol: Protocol): string;
  /** Queues replies for the next chat requests (model-list and probe requests do not consume them). */
  enqueue(...replies: Reply[]): void;
  /** The reply used when the queue is empty (initially `{ text: 'Hello!' }`). */
  setDefault(reply: Reply): void;
  /** Resolves with the `n`-th chat request (1-based, counting all received so far), waiting up to `timeoutMs`. */
  waitForRequest(n?: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Clears recorded requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function detect(method: string, path: string, body: any): Pick<RecordedRequest, 'protocol' | 'stream' | 'model'> {
  const gemini = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (method === 'POST' && gemini) return { protocol: 'gemini', stream: gemini[2] === 'streamGenerateContent', model: decodeURIComponent(gemini[1]) };
  if (method === 'POST' && path.endsWith('/chat/completions')) return { protocol: 'openai', stream: body?.stream === true, model: body?.model };
  if (method === 'POST' && path.endsWith('/messages')) return { protocol: 'claude', stream: body?.stream === true, model: body?.model };
  if (method === 'GET' && path.endsWith('/models')) return { protocol: 'models', stream: false };
  return { protocol: 'other', stream: false };
}

/** Splits text into a few pieces so that a stream has more than one content frame. */
function pieces(reply: ScriptedReply): string[] {
  if (reply.chunks) return reply.chunks;
  const text = reply.text ?? '';
  if (!text) return [];
  const size = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

interface Rendered {
  status: number;
  contentType: string;
  /** One body, or SSE frames sent one by one. */
  body?: string;
  frames?: string[];
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function renderError(protocol: Protocol, status: number, message: string): Rendered {
  const body =
    protocol === 'openai'
      ? { error: { message, type: 'upstream_error', code: status } }
      : protocol === 'claude'
        ? { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : 'api_error', message } }
        : { error: { code: status, message, status: 'ERROR' } };
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

function renderOpenai(reply: ScriptedReply, req: RecordedRequest): Rendered {
  const model = reply.model ?? req.model ?? 'model';
  const usage = reply.usage ?? { promptTokens: 10, completionTokens: 5 };
  const wireUsage = { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens };
  const calls = (reply.toolCalls ?? []).map((t, i) => ({ id: t.id ?? `call_${i + 1}`, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.args) } }));
  const finish = calls.length ? 'tool_calls' : 'stop';
  const base = { id: 'chatcmpl-local', created: Math.floor(Date.now() / 1000), model };
  if (!req.stream) {
    const message = { role: 'assistant', content: reply.text ?? (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) };
    return { status: 200, contentType: 'application/json', body: JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage: wireUsage }) };
  }
  const chunk = (delta: unknown, finish_reason: string | null = null) => sse({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason }] });
  const frames = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces(reply)) frames.push(chunk({ content: p }));
  calls.forEach((c, index) => {
    const args = c.function.arguments;
    const half = Math.ceil(args.length / 2);
    frames.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }));
    frames.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] }));
    frames.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }));
  });
  frames.push(chunk({}, finish));
  frames.push(sse({ ...base, object: 'chat.completion.chunk', choices: [], usage: wireUsage }));
  frames.push(sse('[DONE]'));
  return { status: 200, contentType: 'text/event-stream', frames };
}

function renderClaude(reply: ScriptedReply, req: RecordedRequest): Rendered {
  const model = reply.model ?? req.model ?? 'model';
  const usage = reply.usage ?? { promptTokens: 10, completionTokens: 5 };
  const calls = (reply.toolCalls ?? []).map((t, i) => ({ type: 'tool_use', id: t.id ?? `toolu_${i + 1}`, name: t.name, input: t.args }));
  const stop = calls.length ? 'tool_use' : 'end_turn';
  if (!req.stream) {
    const content = [...(reply.text ? [{ type: 'text', text: reply.text }] : []), ...calls];
    const body = { id: 'msg_local', type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage: { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens } };
    return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
  }
  const frames = [
    sse({ type: 'message_start', message: { id: 'msg_local', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: usage.promptTokens, output_tokens: 1 } } }, 'message_start'),
    sse({ type: 'ping' }, 'ping'),
  ];
  let index = 0;
  const text = pieces(reply);
  if (text.length) {
    frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    for (const p of text) frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } }, 'content_block_delta'));
    frames.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  for (const c of calls) {
    const json = JSON.stringify(c.input);
    const half = Math.ceil(json.length / 2);
    frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } }, 'content_block_start'));
    frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } }, 'content_block_delta'));
    frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(half) } }, 'content_block_delta'));
    frames.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  frames.push(sse({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.completionTokens } }, 'message_delta'));
  frames.push(sse({ type: 'message_stop' }, 'message_stop'));
  return { status: 200, contentType: 'text/event-stream', frames };
}

function renderGemini(reply: ScriptedReply, req: RecordedRequest): Rendered {
  const usage = reply.usage ?? { promptTokens: 10, completionTokens: 5 };
  const usageMetadata = { promptTokenCount: usage.promptTokens, candidatesTokenCount: usage.completionTokens, totalTokenCount: usage.promptTokens + usage.completionTokens };
  const calls = (reply.toolCalls ?? []).map((t) => ({ functionCall: { name: t.name, args: t.args } }));
  const modelVersion = reply.model ?? req.model ?? 'model';
  const response = (parts: unknown[], last: boolean) => ({
    candidates: [{ content: { role: 'model', parts }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
    ...(last ? { usageMetadata } : {}),
    modelVersion,
  });
  if (!req.stream) {
    const parts = [...(reply.text ? [{ text: reply.text }] : []), ...calls];
    return { status: 200, contentType: 'application/json', body: JSON.stringify(response(parts, true)) };
  }
  const text = pieces(reply);
  const frames = text.map((p, i) => sse(response([{ text: p }], i === text.length - 1 && !calls.length)));
  if (calls.length || !text.length) frames.push(sse(response(calls, true)));
  return { status: 200, contentType: 'text/event-stream', frames };
}

function render(reply: ScriptedReply, req: RecordedRequest): Rendered {
  if (reply.raw !== undefined || reply.json !== undefined) {
    return { status: reply.status ?? 200, contentType: reply.contentType ?? (reply.raw !== undefined ? 'text/plain' : 'application/json'), body: reply.raw ?? JSON.stringify(reply.json) };
  }
  const protocol = req.protocol as Protocol;
  if (reply.error) return renderError(protocol, reply.error.status, reply.error.message);
  if (protocol === 'openai') return renderOpenai(reply, req);
  if (protocol === 'claude') return renderClaude(reply, req);
  return renderGemini(reply, req);
}

/** Starts the stand-in on `127.0.0.1` and a free port. */
export async function startUpstream(options: { models?: string[]; defaultReply?: Reply } = {}): Promise<Upstream> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const waiters: Array<() => void> = [];
  let fallback: Reply = options.defaultReply ?? { text: 'Hello!' };
  const sockets = new Set<import('node:net').Socket>();

  const upstream = {} as Upstream;

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    let markClosed!: () => void;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      ...detect(req.method ?? 'GET', url.pathname, body),
      closedEarly: false,
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
    };
    res.on('close', () => {
      if (!res.writableFinished) record.closedEarly = true;
      markClosed();
    });
    requests.push(record);
    for (const wake of waiters.splice(0)) wake();

    if (record.protocol === 'models') {
      const gemini = url.pathname.includes('/v1beta/');
      const payload = gemini ? { models: upstream.models.map((m) => ({ name: `models/${m}` })) } : { object: 'list', data: upstream.models.map((id) => ({ id, object: 'model' })) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      return;
    }
    if (record.protocol === 'other') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }

    const next = queue.shift() ?? fallback;
    const reply = typeof next === 'function' ? next(record) : next;
    if (reply.drop === 'before-headers') {
      req.socket.destroy();
      return;
    }
    if (reply.hang) return;
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    const out = render(reply, record);
    res.writeHead(out.status, { 'content-type': out.contentType, ...(out.frames ? { 'cache-control': 'no-cache' } : {}) });
    if (out.body !== undefined) {
      res.end(out.body);
      return;
    }
    res.flushHeaders();
    for (const [i, frame] of (out.frames ?? []).entries()) {
      if (res.destroyed) return;
      res.write(frame);
      if (reply.drop === 'mid-stream' && i === 0) {
        // Give the first frame time to leave before cutting the connection.
        await sleep(20);
        req.socket.destroy();
        return;
      }
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    res.end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  const chatRequests = () => requests.filter((r) => r.protocol !== 'models' && r.protocol !== 'other');

  Object.assign(upstream, {
    url: root,
    port,
    requests,
    models: options.models ?? ['model-a', 'model-b'],
    baseUrl: (protocol: Protocol) => (protocol === 'gemini' ? root : `${root}/v1`),
    enqueue: (...replies: Reply[]) => void queue.push(...replies),
    setDefault: (reply: Reply) => void (fallback = reply),
    async waitForRequest(n = chatRequests().length + 1, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (chatRequests().length < n) {
        if (Date.now() > deadline) throw new Error(`upstream: request #${n} did not arrive within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return chatRequests()[n - 1];
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } satisfies Omit<Upstream, never>);
  return upstream;
}

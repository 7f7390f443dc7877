/**
 * Category `web`: fetch a URL, and read a web page as text. Both obey `builtinTools.fetch`
 * (private networks refused unless allowed, size cap, timeout), read afresh on every call.
 */
import { HttpError, type ConfigService, type ToolDefinition } from '../../../kernel/index.ts';
import { readToolSettings } from '../../../lib/tool-state/settings.ts';
import { htmlToText } from '../fetch/html-to-text.ts';
import { safeFetch, type FetchResult } from '../fetch/safe-fetch.ts';

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)|image\/svg\+xml)/i;
const urlSchema = { type: 'string', minLength: 1, maxLength: 2048, description: 'An http or https URL' };

function decode(result: FetchResult): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(result.contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(result.body);
  } catch {
    return new TextDecoder('utf-8').decode(result.body);
  }
}

export function webTools(config: ConfigService): ToolDefinition[] {
  const limits = (maxBytes?: number) => {
    const fetch = readToolSettings(config).fetch;
    return { ...fetch, maxBytes: Math.min(maxBytes ?? fetch.maxBytes, fetch.maxBytes) };
  };

  return [
    {
      name: 'http_fetch',
      description: 'Makes an HTTP request to a public http(s) URL and returns the status, headers and body (text bodies only). Private, loopback and cloud-metadata addresses are refused; the body is cut at the size limit.',
      category: 'web',
      inputSchema: {
        type: 'object',
        properties: {
          url: urlSchema,
          method: { type: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], default: 'GET' },
          headers: { type: 'object', additionalProperties: { type: 'string', maxLength: 8192 }, maxProperties: 50 },
          body: { type: 'string', maxLength: 100_000 },
          maxBytes: { type: 'integer', minimum: 1, description: 'Read at most this many bytes (never more than the configured limit)' },
        },
        required: ['url'],
        additionalProperties: false,
      },
      async handler(args, context) {
        const method = args.method as string;
        if (args.body !== undefined && (method === 'GET' || method === 'HEAD')) {
          throw new HttpError(400, 'INVALID_ARGS', `A ${method} request has no body`, { details: [{ path: 'args.body', message: `is not allowed with ${method}` }] });
        }
        const result = await safeFetch(args.url as string, {
          ...limits(args.maxBytes as number | undefined),
          method,
          headers: (args.headers as Record<string, string> | undefined) ?? {},
          body: args.body as string | undefined,
          signal: context.signal,
        });
        const textual = TEXTUAL.test(result.contentType) || result.contentType === '';
        return {
          url: result.url,
          finalUrl: result.finalUrl,
          redirects: result.redirects,
          status: result.status,
          statusText: result.statusText,
          ok: result.status >= 200 && result.status < 300,
          headers: result.headers,
          contentType: result.contentType,
          bytes: result.body.length,
          truncated: result.truncated,
          body: textual ? decode(result) : null,
          ...(textual ? {} : { note: 'binary body omitted' }),
        };
      },
    },
    {
      name: 'web_page_to_text',
      description: 'Downloads a web page from a public http(s) URL and returns its title and readable text (no scripts, styles or markup).',
      category: 'web',
      inputSchema: {
        type: 'object',
        properties: {
          url: urlSchema,
          maxChars: { type: 'integer', minimum: 100, maximum: 1_000_000, default: 20_000, description: 'Cut the text after this many characters' },
        },
        required: ['url'],
        additionalProperties: false,
      },
      async handler(args, context) {
        const result = await safeFetch(args.url as string, {
          ...limits(),
          method: 'GET',
          headers: { accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1' },
          signal: context.signal,
        });
        if (result.status >= 400) throw new HttpError(502, 'FETCH_FAILED', `${result.finalUrl} answered ${result.status} ${result.statusText}`);
        const type = result.contentType.split(';')[0].trim().toLowerCase();
        const html = type === '' || type === 'text/html' || type === 'application/xhtml+xml';
        if (!html && !TEXTUAL.test(type)) throw new HttpError(415, 'UNSUPPORTED_CONTENT', `${result.finalUrl} is ${type}, not a web page`);
        const { title, text } = html ? htmlToText(decode(result)) : { title: '', text: decode(result) };
        const maxChars = args.maxChars as number;
        return {
          url: result.url,
          finalUrl: result.finalUrl,
          status: result.status,
          title,
          text: text.slice(0, maxChars),
          truncated: result.truncated || text.length > maxChars,
        };
      },
    },
  ];
}

/**
 * What an upstream says may echo what it was sent: the key in an error body, an `Authorization`
 * header in a page that is not JSON. Every adapter is handed out wrapped (`adapterFor`), and the
 * wrapper is the one door every upstream failure and model list passes on its way to an answer, a
 * log line or the stored statistics (chat, channel tests and model lists, group-admin model lists,
 * memory summaries): there the endpoint's own secrets and anything shaped like a credential are
 * masked, and only then is a message cut to the length that is shown.
 */
import { isMasked, maskKey } from '../../kernel/index.ts';
import { UpstreamError } from './errors.ts';
import type { Adapter, Endpoint } from './types.ts';

/** Custom header names whose values are secrets: shown masked, and masked out of upstream text. */
export const SECRET_HEADER = /auth|key|token|secret|cookie/i;

/** Shorter secrets are not searched for (they would mask ordinary words); the credential shapes still apply. */
const MIN_SECRET_LENGTH = 8;
/** Credential-shaped text, whoever it belongs to: `Bearer …` / `Basic …`, OpenAI and Anthropic `sk-…`, Google `AIza…`. */
const CREDENTIAL = /\b((?:Bearer|Basic)\s+)([^\s"',;]+)|\b(?:sk-[A-Za-z0-9_-]{8,}|AIza[A-Za-z0-9_-]{20,})/gi;
/** What is shown of an upstream error message. */
const SHOWN_LENGTH = 300;

const mask = (value: string) => (isMasked(value) ? value : maskKey(value));

/** The secrets a request to `endpoint` carries: its key and its secret-named custom headers. */
function secretsOf(endpoint: Endpoint): string[] {
  const headers = Object.entries(endpoint.headers ?? {}).filter(([name]) => SECRET_HEADER.test(name)).map(([, value]) => value);
  return [endpoint.apiKey, ...headers].filter((s) => s && s.length >= MIN_SECRET_LENGTH);
}

/** `text` with each of `secrets` and every credential-shaped piece masked (`sk-****abcd`). */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(maskKey(secret));
  return out.replace(CREDENTIAL, (whole, scheme: string | undefined, token: string | undefined) => (scheme ? scheme + mask(token!) : mask(whole)));
}

/** A failure as it may leave the adapter: redacted, then cut. A new error, since the old one's stack starts with the message in clear. */
function redactedFailure(err: unknown, endpoint: Endpoint): unknown {
  if (!(err instanceof UpstreamError)) return err;
  return new UpstreamError(err.kind, err.status, redact(err.message, secretsOf(endpoint)).slice(0, SHOWN_LENGTH));
}

/** `adapter` with every failure and every listed model id redacted. */
export function redactingAdapter(adapter: Adapter): Adapter {
  return {
    type: adapter.type,
    async chat(endpoint, request) {
      try {
        return await adapter.chat(endpoint, request);
      } catch (err) {
        throw redactedFailure(err, endpoint);
      }
    },
    async *stream(endpoint, request) {
      try {
        yield* adapter.stream(endpoint, request);
      } catch (err) {
        throw redactedFailure(err, endpoint);
      }
    },
    async listModels(endpoint) {
      try {
        const secrets = secretsOf(endpoint);
        return (await adapter.listModels(endpoint)).map((id) => redact(id, secrets));
      } catch (err) {
        throw redactedFailure(err, endpoint);
      }
    },
  };
}

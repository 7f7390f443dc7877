/**
 * What an upstream says may echo what it was sent: the key in an error body, an `Authorization`
 * header in a page that is not JSON. Every adapter is handed out wrapped (`adapterFor`), and the
 * wrapper is the one door every upstream failure and model list passes on its way to an answer, a
 * log line or the stored statistics (chat, channel tests and model lists, group-admin model lists,
 * memory summaries): there the endpoint's own secrets and anything shaped like a credential are
 * masked, and only then is a message cut to the length that is shown.
 */
import { looksSecret, maskCredentials, maskKey } from '../../kernel/index.ts';
import { UpstreamError } from './errors.ts';
import type { Adapter, Endpoint } from './types.ts';

/** Shorter secrets are not searched for (they would mask ordinary words); the credential shapes still apply. */
const MIN_SECRET_LENGTH = 8;
/** What is shown of an upstream error message. */
const SHOWN_LENGTH = 300;

/** The secrets a request to `endpoint` carries: its key and its custom headers whose names say secret (the kernel's `looksSecret`, as for masking them). */
function secretsOf(endpoint: Endpoint): string[] {
  const headers = Object.entries(endpoint.headers ?? {}).filter(([name]) => looksSecret(name)).map(([, value]) => value);
  return [endpoint.apiKey, ...headers].filter((s) => s && s.length >= MIN_SECRET_LENGTH);
}

/** `text` with each of `secrets` and every credential-shaped piece masked (`sk-****abcd`). */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(maskKey(secret));
  return maskCredentials(out);
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

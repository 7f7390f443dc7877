/**
 * Masking of what a server config may hide secrets in — env values, header values, secret-looking
 * arguments and the URL (its credentials and tokens, masked by the kernel's maskUrl, as the
 * configuration's URLs are) — and the reverse for updates: a masked value sent back means
 * "unchanged" (docs/http.md#secrets), so the panel can save a config it only ever saw masked.
 */
import { badRequest, looksSecret, maskUrl, unmaskUrl } from '../../kernel/index.ts';
import type { ServerConfig } from './server-config.ts';

const TOKEN_SHAPED = /^(sk-|sk_|pk_|rk_|ghp_|gho_|ghs_|github_pat_|glpat-|xox[abpr]-|AKIA|AIza|hf_|Bearer\s)/;

/** `sk-****abcd` for long values; short ones reveal nothing. */
export function maskValue(value: string): string {
  return value.length >= 20 ? `${value.slice(0, 3)}****${value.slice(-4)}` : '****';
}

function maskMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, maskValue(v)]));
}

/** `--api-key=x`, `API_KEY=x`, the value after `--token`, and token-shaped strings are masked. */
function maskArgs(args: string[]): string[] {
  return args.map((arg, i) => {
    const assignment = /^(-{0,2}[A-Za-z0-9_.-]+)=(.+)$/s.exec(arg);
    if (assignment && looksSecret(assignment[1])) return `${assignment[1]}=${maskValue(assignment[2])}`;
    const previous = args[i - 1];
    if (previous !== undefined && /^--?[A-Za-z0-9_.-]+$/.test(previous) && looksSecret(previous)) return maskValue(arg);
    return TOKEN_SHAPED.test(arg) ? maskValue(arg) : arg;
  });
}

/** The config as a response may show it. */
export function maskConfig(config: ServerConfig): ServerConfig {
  const out: ServerConfig = { ...config };
  if (out.env) out.env = maskMap(out.env);
  if (out.headers) out.headers = maskMap(out.headers);
  if (out.args) out.args = maskArgs(out.args);
  if (out.url) out.url = maskUrl(out.url);
  return out;
}

/** Replaces every value that equals the masked form of the stored one by the stored value. */
export function restoreMasked(incoming: ServerConfig, stored: ServerConfig): ServerConfig {
  const out: ServerConfig = { ...incoming };
  if (out.env && stored.env) out.env = restoreMap(out.env, stored.env);
  if (out.headers && stored.headers) out.headers = restoreMap(out.headers, stored.headers);
  if (out.args && stored.args) {
    const masked = maskArgs(stored.args);
    out.args = out.args.map((arg, i) => (masked[i] !== undefined && arg === masked[i] ? stored.args![i] : arg));
  }
  if (out.url) {
    const url = unmaskUrl(out.url, stored.url);
    if (url === undefined) throw badRequest('holds a masked part that is not the mask of the stored URL (or names another host); send the URL in full', 'url');
    out.url = url;
  }
  return out;
}

function restoreMap(incoming: Record<string, string>, stored: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(incoming).map(([k, v]) => [k, Object.hasOwn(stored, k) && v === maskValue(stored[k]) ? stored[k] : v]),
  );
}

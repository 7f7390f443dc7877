/**
 * Keeping a request off private networks (docs/http.md#requests-on-someones-behalf), for URLs that someone other than the master
 * chose: an LLM's fetch tools, a group admin's upstream. A host given as an IP literal or a metadata
 * name is refused before connecting; any other host is checked inside the socket's own DNS lookup, so
 * the address checked is the one connected to (no window for DNS rebinding). A refusal comes before
 * any connection, so it reads the same whether or not anything listens there: no port scanning.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { HttpError } from '../../kernel/index.ts';
import { isBlockedAddress, isMetadataHost } from './address-policy.ts';

/** The master's exemptions: `builtinTools.fetch.allowPrivateNetwork` and `allowedHosts`. */
export interface NetworkPolicy {
  allowPrivateNetwork: boolean;
  /** Host names (or IP literals) exempt from the checks, e.g. one intranet service. */
  allowedHosts: string[];
}

/** 403 URL_NOT_ALLOWED: the target is a private or special-purpose address. */
export class AddressNotAllowed extends HttpError {
  constructor(target: string, why: string) {
    super(403, 'URL_NOT_ALLOWED', `Refusing to reach ${target}: ${why} (set builtinTools.fetch.allowPrivateNetwork to allow private networks)`);
  }
}

const bare = (hostname: string) => hostname.toLowerCase().replace(/^\[|\]$/g, '');

/** A DNS lookup that fails when any address of the host is a refused one. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) return callback(new AddressNotAllowed(hostname, `it resolves to ${bad.address}, a private or special-purpose address`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/**
 * The `node:http(s)` request options that keep a request to `url` within `policy`: none when the host
 * is exempt, else the checked lookup and no pooled socket (a reused socket skips the lookup). Throws
 * AddressNotAllowed for a refused IP literal or metadata name.
 */
export function guardRequest(url: URL, policy: NetworkPolicy): { lookup?: LookupFunction; agent?: false } {
  const host = bare(url.hostname);
  if (policy.allowPrivateNetwork || policy.allowedHosts.some((h) => bare(h) === host)) return {};
  if (isMetadataHost(host)) throw new AddressNotAllowed(url.href, `${host} is a cloud metadata service`);
  if (isIP(host) && isBlockedAddress(host)) throw new AddressNotAllowed(url.href, `${host} is a private or special-purpose address`);
  return { lookup: guardedLookup, agent: false };
}

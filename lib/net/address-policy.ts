/**
 * Which addresses a request on someone else's behalf may not reach (docs/http.md#requests-on-someones-behalf): loopback, private,
 * link-local, carrier-grade NAT, cloud metadata and other special-purpose ranges, for IPv4 and IPv6.
 * An IPv6 address that carries an IPv4 one (IPv4-compatible, -mapped and -translated, NAT64, 6to4)
 * is judged by the IPv4 address it carries, so that no spelling of 127.0.0.1 gets through.
 */
import { BlockList, isIP } from 'node:net';

const blockedV4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blockedV4.addSubnet(net, bits, 'ipv4');

// `::` and `::1` are in ::/96, judged as 0.0.0.0 and 0.0.0.1 (both in 0.0.0.0/8) below.
const blockedV6 = new BlockList();
for (const [net, bits] of [
  ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blockedV6.addSubnet(net, bits, 'ipv6');

/** Host names of cloud metadata services, refused before any DNS lookup. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** The eight 16-bit groups of an IPv6 literal (zone dropped, `::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = text.slice(0, -dotted[0].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16));
}

const ipv4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** The IPv4 address an IPv6 address carries and finally reaches, if it carries one. */
function embeddedIpv4(g: number[]): string | undefined {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  // ::a.b.c.d (IPv4-compatible, deprecated), ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated, RFC 2765).
  if (zero(0, 5) && (g[5] === 0 || g[5] === 0xffff)) return ipv4Of(g[6], g[7]);
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return ipv4Of(g[6], g[7]);
  // NAT64 (64:ff9b::/96) and 6to4 (2002:aabb:ccdd::/48).
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return ipv4Of(g[6], g[7]);
  if (g[0] === 0x2002) return ipv4Of(g[1], g[2]);
  return undefined;
}

/** True when `address` (an IP literal; anything else counts as refused) must not be reached. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blockedV4.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(ipv6Groups(address));
  if (v4 !== undefined) return blockedV4.check(v4, 'ipv4');
  return blockedV6.check(address.split('%')[0], 'ipv6');
}

/** True for host names that name a metadata service whatever they resolve to. */
export function isMetadataHost(hostname: string): boolean {
  return METADATA_HOSTS.has(hostname.toLowerCase().replace(/\.$/, ''));
}

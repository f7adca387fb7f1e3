import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an address is refused; `undefined` from `addressRisk` means it is a public address. */
export type AddressRisk =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'unspecified'
  | 'shared (CGNAT)'
  | 'cloud metadata'
  | 'reserved';

type Range = readonly [cidr: string, risk: AddressRisk];

// Order matters: the first matching range names the risk (metadata before link-local).
const IPV4_RANGES = parseRanges([
  ['169.254.169.254/32', 'cloud metadata'],
  ['100.100.100.200/32', 'cloud metadata'],
  ['0.0.0.0/8', 'unspecified'],
  ['127.0.0.0/8', 'loopback'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'shared (CGNAT)'],
  ['169.254.0.0/16', 'link-local'],
  ['224.0.0.0/4', 'multicast'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6_RANGES = parseRanges([
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'private'],
  ['fec0::/10', 'private'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['100::/64', 'reserved'],
  ['2001:db8::/32', 'reserved'],
]);

/**
 * IPv6 prefixes that carry an IPv4 address in their low 32 bits (mapped, compatible, NAT64) or
 * bits 16–48 (6to4), with the byte the IPv4 address starts at: it is judged as IPv4.
 */
const EMBEDDED_IPV4: readonly (readonly [range: [ipaddr.IPv6, number], offset: number])[] = [
  [ipaddr.IPv6.parseCIDR('::ffff:0:0/96'), 12],
  [ipaddr.IPv6.parseCIDR('::/96'), 12],
  [ipaddr.IPv6.parseCIDR('64:ff9b::/96'), 12],
  [ipaddr.IPv6.parseCIDR('64:ff9b:1::/48'), 12],
  [ipaddr.IPv6.parseCIDR('2002::/16'), 2],
];

/**
 * Classifies an IP address for the SSRF guard: undefined for a public address, otherwise what
 * kind of non-public address it is. Anything that is not an IP address is 'reserved'.
 *
 * @example
 * addressRisk('93.184.215.14');          // undefined
 * addressRisk('::ffff:169.254.169.254'); // 'cloud metadata'
 */
export function addressRisk(address: string): AddressRisk | undefined {
  const bare = address.replace(/^\[|\]$/gu, '').replace(/%.*$/u, '');
  // `isIP` is strict (no "127.1", no octal) where ipaddr.js would parse those forms too.
  if (isIP(bare) === 0) return 'reserved';
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return riskOf(parsed as ipaddr.IPv4, IPV4_RANGES);
  const ipv6 = parsed as ipaddr.IPv6;
  const own = riskOf(ipv6, IPV6_RANGES);
  if (own) return own;
  for (const [range, offset] of EMBEDDED_IPV4) {
    if (ipv6.match(range)) {
      const embedded = new ipaddr.IPv4(ipv6.toByteArray().slice(offset, offset + 4));
      return riskOf(embedded, IPV4_RANGES);
    }
  }
  return undefined;
}

/** Whether the guard lets the address through; `allowLoopback` opens loopback only (tests). */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  const risk = addressRisk(address);
  return risk === undefined || (allowLoopback && risk === 'loopback');
}

function parseRanges<Address extends ipaddr.IPv4 | ipaddr.IPv6>(
  ranges: readonly Range[],
): readonly (readonly [range: [Address, number], risk: AddressRisk])[] {
  return ranges.map(([cidr, risk]) => [ipaddr.parseCIDR(cidr) as [Address, number], risk]);
}

function riskOf<Address extends ipaddr.IPv4 | ipaddr.IPv6>(
  address: Address,
  ranges: readonly (readonly [range: [Address, number], risk: AddressRisk])[],
): AddressRisk | undefined {
  return ranges.find(([range]) => address.match(range))?.[1];
}

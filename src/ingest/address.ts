import { isIP } from 'node:net';

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

type Range = readonly [prefix: string, bits: number, risk: AddressRisk];

// Order matters: the first matching range names the risk (metadata before link-local).
const IPV4_RANGES: readonly Range[] = [
  ['169.254.169.254', 32, 'cloud metadata'],
  ['100.100.100.200', 32, 'cloud metadata'],
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['169.254.0.0', 16, 'link-local'],
  ['224.0.0.0', 4, 'multicast'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: readonly Range[] = [
  ['fd00:ec2::254', 128, 'cloud metadata'],
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private'],
  ['fec0::', 10, 'private'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
];

/**
 * IPv6 prefixes that carry an IPv4 address in their low 32 bits (mapped, compatible, NAT64) or
 * bits 16–48 (6to4): the embedded address is judged as IPv4.
 */
const EMBEDDED_IPV4: readonly [prefix: string, bits: number, offset: number][] = [
  ['::ffff:0:0', 96, 12],
  ['::', 96, 12],
  ['64:ff9b::', 96, 12],
  ['64:ff9b:1::', 48, 12],
  ['2002::', 16, 2],
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
  const family = isIP(bare);
  if (family === 4) return matchRanges(ipv4Bytes(bare), IPV4_RANGES);
  if (family !== 6) return 'reserved';
  const bytes = ipv6Bytes(bare);
  const own = matchRanges(bytes, IPV6_RANGES);
  if (own) return own;
  for (const [prefix, bits, offset] of EMBEDDED_IPV4) {
    if (inPrefix(bytes, ipv6Bytes(prefix), bits)) {
      return matchRanges(bytes.subarray(offset, offset + 4), IPV4_RANGES);
    }
  }
  return undefined;
}

/** Whether the guard lets the address through; `allowLoopback` opens loopback only (tests). */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  const risk = addressRisk(address);
  return risk === undefined || (allowLoopback && risk === 'loopback');
}

function matchRanges(bytes: Uint8Array, ranges: readonly Range[]): AddressRisk | undefined {
  const v4 = bytes.length === 4;
  for (const [prefix, bits, risk] of ranges) {
    if (inPrefix(bytes, v4 ? ipv4Bytes(prefix) : ipv6Bytes(prefix), bits)) return risk;
  }
  return undefined;
}

function inPrefix(bytes: Uint8Array, prefix: Uint8Array, bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const index = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

/** Parses a valid IPv6 address (as `isIP` accepts it) into its 16 bytes. */
function ipv6Bytes(address: string): Uint8Array {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/u.exec(text)?.[1];
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(dotted);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? headGroups
      : [
          ...headGroups,
          ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
          ...tailGroups,
        ];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

import { describe, expect, it } from 'vitest';
import { addressRisk, isAllowedAddress } from '../../src/ingest/address.ts';

describe('addressRisk: what the SSRF guard refuses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.20', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.254', 'shared (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    // IPv6 spellings of IPv4 addresses are judged by the IPv4 address inside.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['2002:c0a8:0101::1', 'private'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['not an address', 'reserved'],
  ])('%s is %s', (address, risk) => {
    expect(addressRisk(address)).toBe(risk);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1', // just past 172.16.0.0/12
    '100.128.0.1', // just past 100.64.0.0/10
    '2606:4700:4700::1111',
    '::ffff:93.184.215.14',
  ])('%s is public', (address) => {
    expect(addressRisk(address)).toBeUndefined();
  });

  it('opens loopback only, not private or metadata addresses, when loopback is allowed', () => {
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('127.0.0.1', false)).toBe(false);
    expect(isAllowedAddress('10.0.0.1', true)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', true)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { addressRefusal } from '#shared/outbound/address';

describe('outbound address classifier', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.170', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.2.10', 'documentation'],
  ])('refuses the IPv4 address %s (%s)', (address, reason) => {
    expect(addressRefusal(address)).toBe(reason);
  });

  it.each([
    ['::1', 'unspecified, loopback or IPv4-compatible'],
    ['::', 'unspecified, loopback or IPv4-compatible'],
    ['::127.0.0.1', 'unspecified, loopback or IPv4-compatible'],
    ['fd00::1', 'unique local'],
    ['fc12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['64:ff9b:1::a00:1', 'local NAT64'],
    ['::ffff:127.0.0.1', 'loopback (IPv4 inside IPv6)'],
    ['::ffff:7f00:1', 'loopback (IPv4 inside IPv6)'],
    ['::FFFF:10.0.0.1', 'private (IPv4 inside IPv6)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4 inside IPv6)'],
    ['::ffff:0:10.1.2.3', 'private (IPv4 inside IPv6)'],
    ['64:ff9b::10.0.0.1', 'private (IPv4 inside IPv6)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (IPv4 inside IPv6)'],
    ['2002:7f00:1::1', 'loopback (IPv4 inside IPv6)'],
    ['2002:c0a8:101::', 'private (IPv4 inside IPv6)'],
    ['fe80::1%eth0', 'not an IP address'],
  ])('refuses the IPv6 address %s (%s)', (address, reason) => {
    expect(addressRefusal(address)).toBe(reason);
  });

  it.each([
    '93.184.216.34',
    '1.1.1.1',
    '8.8.8.8',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(addressRefusal(address)).toBeUndefined();
  });

  it('refuses what is not an IP address at all', () => {
    for (const value of ['localhost', 'example.com', '', '1.2.3', '::g'])
      expect(addressRefusal(value)).toBe('not an IP address');
  });
});

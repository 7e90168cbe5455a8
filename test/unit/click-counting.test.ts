import { describe, expect, it } from 'vitest';
import {
  readerDayKey,
  readerHash,
  readerOf,
  rewardedNewClicks,
} from '#shared/links/click-counting';
import { clickKeyFrom } from '#shared/links/reader-key';

describe('click counting', () => {
  it('takes the reader to be the IPv4 address or the IPv6 /64, and nothing that is no address', () => {
    expect(readerOf('203.0.113.5')).toBe('203.0.113.5');
    expect(readerOf('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(readerOf('2001:db8::1')).toBe('2001:0db8:0000:0000::/64');
    expect(readerOf('2001:DB8:0:0:ffff:1:2:3')).toBe('2001:0db8:0000:0000::/64');
    expect(readerOf('::1')).toBe('0000:0000:0000:0000::/64');
    for (const bad of [undefined, '', 'unknown', '203.0.113.5, 10.0.0.1', '999.1.1.1']) {
      expect(readerOf(bad)).toBeUndefined();
    }
  });

  it('hashes a reader differently on each day and each link, under a key of at least 32 bytes', () => {
    const root = Buffer.alloc(32, 1);
    const monday = readerDayKey(root, '2026-11-30');
    const tuesday = readerDayKey(root, '2026-12-01');
    expect(readerHash(monday, 'AAAAAAAAAA', '203.0.113.5')).not.toBe(
      readerHash(tuesday, 'AAAAAAAAAA', '203.0.113.5'),
    );
    expect(readerHash(monday, 'AAAAAAAAAA', '203.0.113.5')).not.toBe(
      readerHash(monday, 'BBBBBBBBBB', '203.0.113.5'),
    );
    expect(() => clickKeyFrom({ CLICK_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /at least 32 bytes/,
    );
    expect(() => clickKeyFrom({})).toThrow(/CLICK_KEY_SECRET/);
  });

  it('rewards new clicks only up to the share’s cap', () => {
    const rules = { rewardedPerShare: 25 };
    expect(rewardedNewClicks(10, 0, rules)).toBe(10);
    expect(rewardedNewClicks(200, 10, rules)).toBe(15);
    expect(rewardedNewClicks(300, 200, rules)).toBe(0);
    expect(rewardedNewClicks(5, 8, rules)).toBe(0);
  });
});

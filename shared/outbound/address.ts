import { isIP } from 'node:net';

/**
 * Which IP addresses Chorus may connect to when a user names the host: only globally routable
 * unicast. Everything else (loopback, private, link-local with the cloud metadata service,
 * CGNAT, multicast, documentation and reserved ranges) could reach the inside of our network,
 * and IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the
 * IPv4 address they carry. Ranges from the IANA special-purpose registries (RFC 6890 and after).
 */
type Range = readonly [prefix: bigint, length: number, reason: string];

const v4 = (dotted: string): bigint =>
  dotted.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);

const V4_REFUSED: readonly Range[] = [
  [v4('0.0.0.0'), 8, 'unspecified'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'shared (CGNAT)'],
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link-local'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'reserved'],
  [v4('192.0.2.0'), 24, 'documentation'],
  [v4('192.88.99.0'), 24, 'reserved'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'reserved'],
  [v4('198.51.100.0'), 24, 'documentation'],
  [v4('203.0.113.0'), 24, 'documentation'],
  [v4('224.0.0.0'), 4, 'multicast'],
  // 240/4 holds the broadcast address 255.255.255.255.
  [v4('240.0.0.0'), 4, 'reserved'],
];

/** An IPv6 address as a 128-bit number; undefined when it is not one. */
const v6 = (text: string): bigint | undefined => {
  let address = text;
  let tail: bigint[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1]) {
    const n = v4(dotted[1]);
    tail = [n >> 16n, n & 0xffffn];
    address = `${address.slice(0, -dotted[1].length)}0`;
    // The dotted quad stood for two groups; "0" holds its place, dropped below.
  }
  const [head = '', rest] = address.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groupsOf(head);
  const right = rest === undefined ? [] : groupsOf(rest);
  if (tail.length > 0) (rest === undefined ? left : right).pop();
  const known = left.length + right.length + tail.length;
  const missing = rest === undefined ? 0 : 8 - known;
  if (missing < 0 || known + missing !== 8) return undefined;
  const groups = [
    ...left.map((g) => BigInt(Number.parseInt(g, 16))),
    ...Array<bigint>(missing).fill(0n),
    ...right.map((g) => BigInt(Number.parseInt(g, 16))),
    ...tail,
  ];
  return groups.reduce((n, g) => (n << 16n) | g, 0n);
};

const v6Prefix = (text: string) => v6(text) ?? 0n;

const V6_REFUSED: readonly Range[] = [
  // ::/96 holds :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible form.
  [v6Prefix('::'), 96, 'unspecified, loopback or IPv4-compatible'],
  [v6Prefix('64:ff9b:1::'), 48, 'local NAT64'],
  [v6Prefix('100::'), 64, 'discard'],
  // IETF protocol assignments, Teredo (2001::/32) among them: its IPv4 address is hidden.
  [v6Prefix('2001::'), 23, 'reserved'],
  [v6Prefix('2001:db8::'), 32, 'documentation'],
  [v6Prefix('3fff::'), 20, 'documentation'],
  [v6Prefix('5f00::'), 16, 'reserved'],
  [v6Prefix('fc00::'), 7, 'unique local'],
  [v6Prefix('fe80::'), 10, 'link-local'],
  [v6Prefix('fec0::'), 10, 'site-local'],
  [v6Prefix('ff00::'), 8, 'multicast'],
];

/** IPv6 forms that carry an IPv4 address: [prefix, length, where the 32 bits sit]. */
const V6_EMBEDDING_V4: readonly [bigint, number, (n: bigint) => bigint][] = [
  [v6Prefix('::ffff:0:0'), 96, (n) => n & 0xffffffffn],
  // SIIT "IPv4-translated" addresses (RFC 2765).
  [v6Prefix('::ffff:0:0:0'), 96, (n) => n & 0xffffffffn],
  [v6Prefix('64:ff9b::'), 96, (n) => n & 0xffffffffn],
  // 6to4: 2002:AABB:CCDD::/48 is AA.BB.CC.DD's network.
  [v6Prefix('2002::'), 16, (n) => (n >> 80n) & 0xffffffffn],
];

const within = (n: bigint, bits: number, prefix: bigint, length: number) =>
  n >> BigInt(bits - length) === prefix >> BigInt(bits - length);

const v4Refusal = (n: bigint): string | undefined =>
  V4_REFUSED.find(([prefix, length]) => within(n, 32, prefix, length))?.[2];

/**
 * Why Chorus must not connect to this address, or undefined when it may (a public unicast
 * address). Anything that is not a plain IP address (a zone id, a name) is refused.
 */
export const addressRefusal = (address: string): string | undefined => {
  const kind = isIP(address);
  if (kind === 4) return v4Refusal(v4(address));
  if (kind !== 6 || address.includes('%')) return 'not an IP address';
  const n = v6(address.toLowerCase());
  if (n === undefined) return 'not an IP address';
  for (const [prefix, length, embedded] of V6_EMBEDDING_V4) {
    if (within(n, 128, prefix, length)) {
      const inner = v4Refusal(embedded(n));
      return inner ? `${inner} (IPv4 inside IPv6)` : undefined;
    }
  }
  return V6_REFUSED.find(([prefix, length]) => within(n, 128, prefix, length))?.[2];
};

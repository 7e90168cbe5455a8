import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * What makes a click count. A reader counts once per link and day; a link counts at most so many
 * readers an hour (beyond that the reader is still sent on, just not counted); and a share earns
 * points for only so many clicks, so whoever can buy addresses still cannot buy the leaderboard.
 */
export interface ClickRules {
  countedPerLinkPerHour: number;
  rewardedPerShare: number;
}

export const CLICK_RULES: ClickRules = { countedPerLinkPerHour: 100, rewardedPerShare: 25 };

/**
 * Who a reader is, as far as counting goes: their address, and for IPv6 the /64 network, since
 * one subscriber is handed a whole /64 and could otherwise click from 2^64 "readers". The user
 * agent is left out on purpose: the caller chooses it freely (`curl -A`), so it would split one
 * reader into as many as they like. Undefined when there is no usable address: then not counted.
 */
export const readerOf = (sourceIp: string | undefined): string | undefined => {
  if (!sourceIp) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(sourceIp)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(sourceIp)) return sourceIp;
  if (isIPv6(sourceIp)) return `${expandIpv6(sourceIp).slice(0, 4).join(':')}::/64`;
  return undefined;
};

/** The eight groups of an IPv6 address (an embedded IPv4 tail counts as the last two). */
const expandIpv6 = (address: string): string[] => {
  const withoutZone = address.split('%')[0] ?? '';
  const groupsOf = (part: string) =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [group.toLowerCase().padStart(4, '0')];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)].map((g) =>
            g.padStart(4, '0'),
          );
        });
  const [head = '', tail] = withoutZone.split('::');
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  return [...left, ...Array(8 - left.length - right.length).fill('0000'), ...right];
};

/** The day a reader is counted once in (UTC), which is also the day their hash's key is for. */
export const readerDayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** The hour a link's cap of counted clicks applies to (UTC). */
export const capHourOf = (at: Date): string => at.toISOString().slice(0, 13);

/**
 * When a reader's marker may go (epoch seconds, for DynamoDB TTL): a day after its own day ends.
 * Correctness never waits for the deletion: the next day's hashes are made with the next day's
 * key, so an old marker can never match a new click.
 */
export const readerMarkerExpiry = (at: Date): number => {
  const dayStart = Date.parse(`${readerDayOf(at)}T00:00:00.000Z`);
  return Math.floor(dayStart / 1000) + 2 * 86_400;
};

/**
 * The key of one day, derived from the root secret. Only day keys touch data, so a hash cannot be
 * linked to the same reader's hash of another day, and no key outlives its day in use.
 */
export const readerDayKey = (rootSecret: Buffer, day: string): Buffer =>
  createHmac('sha256', rootSecret).update(`chorus/click-reader/v1/${day}`).digest();

/** A reader of one link on one day, as stored: a keyed hash, never the address itself. */
export const readerHash = (dayKey: Buffer, code: string, reader: string): string =>
  createHmac('sha256', dayKey).update(`${code}\u0000${reader}`).digest('base64url');

/** New clicks on a share that earn points: those under the share's cap, never the rest. */
export const rewardedNewClicks = (
  clicksNow: number,
  clicksBefore: number,
  rules: Pick<ClickRules, 'rewardedPerShare'> = CLICK_RULES,
): number =>
  Math.max(
    0,
    Math.min(clicksNow, rules.rewardedPerShare) - Math.min(clicksBefore, rules.rewardedPerShare),
  );

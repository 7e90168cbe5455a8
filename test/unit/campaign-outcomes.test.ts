import { describe, expect, it } from 'vitest';
import { campaignOutcomes } from '#shared/campaigns/outcomes';
import { type Bucket, bucketName, bucketOf, parseBucket } from '#shared/shares/tally';

const counts = (entries: [Partial<Bucket> & Pick<Bucket, 'status'>, number][]) =>
  new Map(
    entries.map(([bucket, n]) => [
      bucketName({ reason: '', network: 'sandbox', origin: 'auto', resolved: false, ...bucket }),
      n,
    ]),
  );

describe('a campaign’s tally buckets', () => {
  it('name each bucket so it reads back the same, and ignore anything else on the item', () => {
    const bucket: Bucket = {
      status: 'failed',
      reason: 'rate_limited',
      network: 'x',
      origin: 'own',
      resolved: true,
    };
    expect(parseBucket(bucketName(bucket))).toEqual(bucket);
    expect(parseBucket('pk')).toBeUndefined();
    expect(parseBucket('n|pending||x|auto|')).toBeUndefined();
  });

  it('put a resolved share where the person put it, and a share in flight nowhere', () => {
    expect(
      bucketOf({
        status: 'failed',
        reason: 'not_published',
        network: 'x',
        resolution: {
          outcome: 'not_published',
          by: 'm',
          at: '2026-01-01T00:00:00.000Z',
          was: { status: 'unknown' },
        },
      }),
    ).toEqual({
      status: 'failed',
      reason: 'not_published',
      network: 'x',
      origin: 'auto',
      resolved: true,
    });
    expect(bucketOf({ status: 'publishing', network: 'x' })).toBeUndefined();
  });
});

describe('a campaign’s outcomes from its tally', () => {
  it('counts pending against the automatic shares only: an employee’s own share was never queued', () => {
    const outcomes = campaignOutcomes(
      counts([
        [{ status: 'published' }, 3],
        [{ status: 'published', origin: 'own' }, 2],
      ]),
      { queued: 4, deferred: 1 },
    );
    expect(outcomes).toMatchObject({ published: 5, pending: 2 });
  });

  it('never shows a negative pending while ends arrive before the fan-out’s checkpoint', () => {
    expect(
      campaignOutcomes(counts([[{ status: 'skipped' }, 3]]), { queued: 1, deferred: 0 }).pending,
    ).toBe(0);
  });

  it('says which failures wait for a person and which were resolved', () => {
    const outcomes = campaignOutcomes(
      counts([
        [{ status: 'failed', reason: 'reconnect_needed', network: 'linkedin' }, 2],
        [{ status: 'failed', reason: 'reconnect_needed', network: 'x' }, 1],
        [{ status: 'failed', reason: 'not_published', resolved: true }, 1],
        [{ status: 'published', resolved: true }, 1],
        [{ status: 'unknown', reason: 'outcome_unknown', network: 'x' }, 0],
      ]),
      { queued: 5, deferred: 0 },
    );
    expect(outcomes).toMatchObject({
      failed: 4,
      unknown: 0,
      awaitingResolution: { unknown: 0, failed: 3 },
      resolved: { published: 1, notPublished: 1 },
    });
    expect(outcomes.groups).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'reconnect_needed',
        count: 3,
        awaitingResolution: 3,
        networks: ['linkedin', 'x'],
        fix: 'Ask these employees to reconnect LinkedIn, X; once they have posted it themselves, resolve each share as published, or else as not published.',
      }),
      expect.objectContaining({
        reason: 'not_published',
        awaitingResolution: 0,
        fix: 'Resolved by a person: nothing left to do.',
      }),
    ]);
  });
});

import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPollerDependencies } from '#functions/engagement-poller/dependencies';
import {
  type PollerDependencies,
  pollEngagement,
} from '#functions/engagement-poller/poll-engagement';
import { dynamo } from '#shared/aws';
import type { EngagementCounts } from '#shared/networks/network';
import { createSandboxNetwork } from '#shared/networks/sandbox';
import type { Share } from '#shared/shares/share';
import { createAuditStore } from '#shared/store/audit';
import { createEmployeeStore } from '#shared/store/employees';
import { keys } from '#shared/store/keys';
import { createLinkStore } from '#shared/store/links';
import { createShareStore } from '#shared/store/shares';
import { publishSandboxShares, sandboxTruth } from '../fixtures/engagement';
import { type FakeMastodon, startFakeMastodon } from '../fixtures/fake-networks/mastodon';
import { mastodonReading, publishMastodonShares } from '../fixtures/mastodon-shares';
import { sandboxStores } from '../fixtures/share-stack';
import { arrangeCampaign } from '../fixtures/sharing';
import { soakSize } from '../soak';
import { OWN_TABLES } from './own-tables';

const MINUTE = 60_000;
let readFault: 'rate_limited' | 'server_error' | undefined;

/** One test's table with its stores, sandbox and pollers. */
const worldOf = (table: string) => {
  const sandbox = createSandboxNetwork(table, { readFault: () => readFault });
  const shares = createShareStore(table);
  const _links = createLinkStore(table);
  const stores = sandboxStores(table, sandbox);
  return {
    table,
    shares,
    employees: createEmployeeStore(table, createAuditStore(table)),
    poller: (): PollerDependencies => createPollerDependencies(table, { sandbox }),
    arrange: async (count: number, publishedAt: Date) => {
      const arranged = await arrangeCampaign(stores, { count });
      const published = await publishSandboxShares(table, arranged, publishedAt);
      return { arranged, published };
    },
    sharesOf: async (postId: string): Promise<Share[]> => {
      const all: Share[] = [];
      for await (const page of shares.sharesOfPost(postId)) all.push(...page);
      return all;
    },
    snapshotsOf: async (shareId: string) => {
      const { Items = [] } = await dynamo().send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.share(shareId).pk,
            ':prefix': keys.snapshotPrefix,
          },
        }),
      );
      return Items;
    },
  };
};

const totals = (all: readonly Share[]): EngagementCounts => ({
  impressions: all.reduce((t, s) => t + (s.engagement?.impressions ?? 0), 0),
  reactions: all.reduce((t, s) => t + (s.engagement?.reactions ?? 0), 0),
  comments: all.reduce((t, s) => t + (s.engagement?.comments ?? 0), 0),
  reshares: all.reduce((t, s) => t + (s.engagement?.reshares ?? 0), 0),
});

/**
 * On the hour: readings fall on the cadence's grid, so a time taken from the clock could put a
 * grid point between two runs of a test and make shares already read due again.
 */
const threeHoursAgoOnTheHour = () =>
  new Date(Math.floor((Date.now() - 3 * 60 * MINUTE) / (60 * MINUTE)) * 60 * MINUTE);

/** Shares in the two-poller test: more than one batch read and one page per poller either way. */
const FLEET = soakSize('POLL_SHARES', 800, 5_000);
// About 30 ms a share on a quiet 2-core machine; the bound (a guard against a hang, not a
// measure) leaves room for one shared with other work, as `npm test`'s two lanes share it.

describe('engagement poller', () => {
  it(
    `polls ${FLEET.toLocaleString('en')} sandbox shares twice, two pollers at once each time, and the totals equal the sandbox truth`,
    async () => {
      const world = worldOf(OWN_TABLES.pollFleet);
      // Published in the past, so the pollers' clock can be set after them.
      const publishedAt = new Date(Date.now() - 40 * 24 * 3_600_000);

      const { arranged, published } = await world.arrange(FLEET, publishedAt);
      expect(published).toHaveLength(FLEET);

      for (const at of [20 * MINUTE, 3 * 60 * MINUTE].map(
        (ms) => new Date(publishedAt.getTime() + ms),
      )) {
        const [a, b] = await Promise.all([
          pollEngagement(at, world.poller()),
          pollEngagement(at, world.poller()),
        ]);
        // Each share's reading is recorded by exactly one of the two.
        expect((a.sandbox?.polled ?? 0) + (b.sandbox?.polled ?? 0)).toBe(FLEET);
        expect(totals(await world.sharesOf(arranged.post.postId))).toEqual(
          sandboxTruth(published, at),
        );
      }
      // One snapshot per reading, whichever poller made it.
      for (const share of published.slice(0, 20)) {
        expect(await world.snapshotsOf(share.shareId)).toHaveLength(2);
      }
    },
    FLEET * 300,
  );

  it('a 429 stops the run with nothing lost; the block is kept for every poller, and the next poll catches up', async () => {
    const world = worldOf(OWN_TABLES.pollRateLimit);
    const publishedAt = threeHoursAgoOnTheHour();
    const { arranged, published } = await world.arrange(150, publishedAt);
    const at = new Date(publishedAt.getTime() + 30 * MINUTE);

    readFault = 'rate_limited';
    const limited = await pollEngagement(at, world.poller());
    expect(limited.sandbox).toMatchObject({ polled: 0, calls: 1, stopped: 'rate_limited' });
    readFault = undefined;
    // The sandbox asked for 60 s: a poller 30 s later makes no call at all.
    const blocked = await pollEngagement(new Date(at.getTime() + 30_000), world.poller());
    expect(blocked.sandbox).toMatchObject({ polled: 0, calls: 0, stopped: 'blocked' });

    const after = new Date(at.getTime() + 2 * MINUTE);
    const caughtUp = await pollEngagement(after, world.poller());
    expect(caughtUp.sandbox?.polled).toBe(150);
    expect(totals(await world.sharesOf(arranged.post.postId))).toEqual(
      sandboxTruth(published, after),
    );
  });

  it('a 5xx mid-run loses no reading: what was read is kept, the failed batch moves on, the rest is read next time', async () => {
    const world = worldOf(OWN_TABLES.pollServerError);
    const publishedAt = threeHoursAgoOnTheHour();
    const { arranged, published } = await world.arrange(250, publishedAt);
    const at = new Date(publishedAt.getTime() + 30 * MINUTE);
    let calls = 0;
    const flaky = createSandboxNetwork(world.table, {
      readFault: () => (++calls === 2 ? 'server_error' : undefined),
    });
    const deps = { ...world.poller(), networks: { sandbox: flaky } };
    const first = await pollEngagement(at, deps);
    expect(first.sandbox).toMatchObject({ polled: 100, stopped: 'network_error' });
    // The failed batch moved its next reading on to the next run (five minutes), behind the rest.
    const failedBatch = await world.shares.dueForPoll('sandbox', at, 500);
    expect(failedBatch).toHaveLength(50);
    const next = new Date(at.getTime() + 5 * MINUTE);
    expect((await pollEngagement(next, deps)).sandbox?.polled).toBe(150);
    const all = await world.sharesOf(arranged.post.postId);
    expect(all.every((s) => s.lastPolledAt)).toBe(true);
    // The first 100 were read at `at`, the rest five minutes later: each the truth of its time.
    const byTime = (iso: string) =>
      published.filter((p) => all.find((s) => s.shareId === p.shareId)?.lastPolledAt === iso);
    expect(byTime(at.toISOString())).toHaveLength(100);
    expect(totals(all)).toEqual(
      [
        sandboxTruth(byTime(at.toISOString()), at),
        sandboxTruth(byTime(next.toISOString()), next),
      ].reduce((x, y) => ({
        impressions: (x.impressions ?? 0) + (y.impressions ?? 0),
        reactions: x.reactions + y.reactions,
        comments: x.comments + y.comments,
        reshares: x.reshares + y.reshares,
      })),
    );
  });

  it('spends no call on shares whose connection expired, and marks a deleted post without reading it again', async () => {
    const world = worldOf(OWN_TABLES.pollConnections);
    const publishedAt = threeHoursAgoOnTheHour();
    const { published } = await world.arrange(3, publishedAt);
    const [gone, expired, live] = published;
    await dynamo().send(
      new DeleteCommand({ TableName: world.table, Key: keys.sandboxPost(gone!.externalId ?? '') }),
    );
    const connection = await world.employees.getConnection(expired!.employeeId, 'sandbox');
    await world.employees.putConnection(
      { ...connection!, status: 'expired' },
      'system',
      publishedAt,
    );

    const at = new Date(publishedAt.getTime() + 20 * MINUTE);
    const run = await pollEngagement(at, world.poller());
    expect(run.sandbox).toMatchObject({ polled: 2, postponed: 1, calls: 1 });
    expect(await world.shares.get(gone!.shareId)).toMatchObject({ deletedOnNetwork: true });
    expect(await world.shares.get(expired!.shareId)).not.toHaveProperty('lastPolledAt');
    expect((await world.shares.get(live!.shareId))?.engagement?.impressions).toBeGreaterThan(0);

    // The deleted post left the poll index; the expired one waits six hours.
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: world.table, Key: keys.share(gone!.shareId) }),
    );
    expect(Item).not.toHaveProperty('gsi2pk');
    const soon = await pollEngagement(new Date(at.getTime() + 3 * 60 * MINUTE), world.poller());
    expect(soon.sandbox).toMatchObject({ polled: 1, postponed: 0 });
  });

  describe('federated instances hold only themselves', () => {
    let down: FakeMastodon;
    let healthy: FakeMastodon;
    beforeAll(async () => {
      [down, healthy] = await Promise.all([startFakeMastodon(), startFakeMastodon()]);
    });
    afterAll(async () => {
      await Promise.all([down.stop(), healthy.stop()]);
    });

    const statusReads = (instance: FakeMastodon) =>
      instance.requests.filter((r) => r.path.startsWith('/api/v1/statuses')).length;

    /** Shares on the failing instance due first, then the healthy one's: the reported order. */
    const arrangeTwoInstances = async (table: string, publishedAt: Date) => {
      const failing = await publishMastodonShares(
        table,
        down,
        30,
        publishedAt,
        new Date(publishedAt.getTime() + 10 * MINUTE),
      );
      const fine = await publishMastodonShares(
        table,
        healthy,
        5,
        publishedAt,
        new Date(publishedAt.getTime() + 15 * MINUTE),
      );
      const deps = (): PollerDependencies => ({
        ...createPollerDependencies(table, { mastodon: mastodonReading(down, healthy) }),
      });
      return { failing, fine, deps };
    };

    it('an instance answering 503 does not stop the others: the healthy instance is read, and the failed shares move their next poll on', async () => {
      const table = OWN_TABLES.pollInstanceDown;
      const shares = createShareStore(table);
      const publishedAt = threeHoursAgoOnTheHour();
      const { failing, fine, deps } = await arrangeTwoInstances(table, publishedAt);
      down.outage({ status: 503, body: { error: 'Service unavailable' } });
      const at = new Date(publishedAt.getTime() + 30 * MINUTE);

      const run = await pollEngagement(at, deps());
      expect(run.mastodon?.polled).toBe(fine.length);
      for (const share of fine) {
        expect((await shares.get(share.shareId))?.engagement?.reactions).toBe(11);
      }
      for (const share of failing)
        expect(await shares.get(share.shareId)).not.toHaveProperty('lastPolledAt');

      // The failed shares are no longer first in line: a run a moment later does not call the
      // instance for them again, and they are still due later (nothing dropped).
      const before = statusReads(down);
      const again = await pollEngagement(new Date(at.getTime() + 30_000), deps());
      expect(again.mastodon?.calls).toBe(0);
      expect(statusReads(down)).toBe(before);
      const { Item } = await dynamo().send(
        new GetCommand({ TableName: table, Key: keys.share(failing[0]!.shareId) }),
      );
      expect(Item?.gsi2sk > at.toISOString()).toBe(true);

      down.outage(undefined);
      const recoveredAt = new Date(at.getTime() + 60 * MINUTE);
      await pollEngagement(recoveredAt, deps());
      for (const share of failing) {
        expect(await shares.get(share.shareId)).toMatchObject({
          lastPolledAt: recoveredAt.toISOString(),
        });
      }
    });

    it('an instance answering 429 with a reset in 2099 is blocked for at most an hour, and only itself', async () => {
      const table = OWN_TABLES.pollInstanceLimited;
      const shares = createShareStore(table);
      const publishedAt = threeHoursAgoOnTheHour();
      const { failing, fine, deps } = await arrangeTwoInstances(table, publishedAt);
      down.outage({
        status: 429,
        headers: { 'x-ratelimit-reset': '2099-01-01T00:00:00.000Z' },
        body: { error: 'Too many requests' },
      });
      const at = new Date(publishedAt.getTime() + 30 * MINUTE);

      const run = await pollEngagement(at, deps());
      expect(run.mastodon?.polled).toBe(fine.length);
      down.outage(undefined);

      // Within the hour the instance is left alone...
      const before = statusReads(down);
      await pollEngagement(new Date(at.getTime() + 30 * MINUTE), deps());
      expect(statusReads(down)).toBe(before);
      for (const share of failing) {
        expect(await shares.get(share.shareId)).not.toHaveProperty('lastPolledAt');
      }
      // ...and after at most an hour it is read again, whatever its header said.
      const after = new Date(at.getTime() + 61 * MINUTE);
      await pollEngagement(after, deps());
      for (const share of failing) {
        expect(await shares.get(share.shareId)).toMatchObject({
          lastPolledAt: after.toISOString(),
        });
      }
    });
  });
});

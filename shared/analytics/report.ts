import { z } from 'zod';
import { counted, estimated, Figure } from '#shared/analytics/figure';
import type { EngagementPolicy } from '#shared/engagement/policy';
import type { Share } from '#shared/shares/share';

/**
 * The analytics of a set of shares: totals, the same figures by network, day, post, campaign,
 * segment and employee, and the best times to share. Pure: the route gathers the shares, this does the arithmetic.
 */

/** Why a row's EMV and rate are null until something is measured for its shares. */
export const NOT_MEASURED = 'no engagement measured yet';
export const NO_IMPRESSIONS = 'no impressions measured yet';

/**
 * The figures every table row carries; `null` where no network gave the figure. EMV and the
 * engagement rate are `null` (with `note` saying why) until a reading exists for the row's
 * shares: a stand-in shown before the first reading would shrink once it came.
 */
export const MetricsRow = z.object({
  shares: z.number(),
  potentialReach: z.number(),
  impressions: z.number().nullable(),
  reactions: z.number().nullable(),
  comments: z.number().nullable(),
  reshares: z.number().nullable(),
  clicks: z.number(),
  /** Published shares with at least one engagement reading. */
  sharesMeasured: z.number().optional(),
  /** (reactions + comments + reshares + clicks) ÷ impressions, over shares whose impressions were read. */
  engagementRate: z.number().nullable(),
  /**
   * What the rate divides by: measured impressions, or null with no rate. `potential reach` is
   * kept for reports stored before the rate stopped dividing by an audience.
   */
  engagementRateBasis: z.enum(['impressions', 'potential reach']).nullable(),
  earnedMediaValueUsd: z.number().nullable(),
  /** Why EMV or the rate is null: `no engagement measured yet`, `no impressions measured yet`. */
  note: z.string().nullable().optional(),
});
export type MetricsRow = z.infer<typeof MetricsRow>;

/**
 * Where each column of a table comes from: the one source of the label, printed in CSV headers
 * and given to the totals' figure of the same name (`figureOf`), so the two cannot disagree.
 */
export const COLUMN_SOURCES = {
  shares: 'counted',
  potentialReach: 'counted',
  impressions: 'measured',
  reactions: 'measured',
  comments: 'measured',
  reshares: 'measured',
  clicks: 'counted',
  sharesMeasured: 'counted',
  engagementRate: 'measured',
  engagementRateBasis: 'label',
  earnedMediaValueUsd: 'estimated',
  note: 'label',
} as const satisfies Record<keyof MetricsRow, Figure['source'] | 'label'>;

type FigureColumn = {
  [K in keyof MetricsRow]-?: (typeof COLUMN_SOURCES)[K] extends 'label' ? never : K;
}[keyof MetricsRow];

/** A total of a table column, labelled as its column is. */
const figureOf = (column: FigureColumn, value: number | null, note?: string): Figure => {
  const source: Figure['source'] = COLUMN_SOURCES[column];
  return { value, source, ...(note ? { note } : {}) };
};

/**
 * The most campaigns `byCampaign` lists (those with most engagement; `totals.campaigns` counts
 * them all). A background report is kept on its job's item, under DynamoDB's 400 KB: this many
 * campaign rows beside a row for each of the 500 segments a company may define fit with room
 * to spare (test/unit/analytics-groups.test.ts).
 */
export const MAX_CAMPAIGN_ROWS = 300;

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const AnalyticsReport = z.object({
  totals: z.object({
    shares: Figure,
    failed: Figure,
    skipped: Figure,
    pending: Figure,
    sharers: Figure,
    /** Campaigns with a published share in scope (byCampaign may list fewer). */
    campaigns: Figure,
    invited: Figure,
    participation: Figure,
    potentialReach: Figure,
    impressions: Figure,
    reactions: Figure,
    comments: Figure,
    reshares: Figure,
    clicks: Figure,
    engagementRate: Figure,
    earnedMediaValueUsd: Figure,
    secondRoundReach: Figure,
  }),
  byNetwork: z.array(MetricsRow.extend({ network: z.string() })),
  byDay: z.array(MetricsRow.extend({ day: z.string() })),
  topContent: z.array(MetricsRow.extend({ postId: z.string(), title: z.string() })),
  /**
   * The campaigns in scope, by engagement, at most MAX_CAMPAIGN_ROWS of them (`totals.campaigns`
   * counts them all); each with its post, and the post's title where the report read it, else null.
   */
  byCampaign: z.array(
    MetricsRow.extend({ campaignId: z.string(), postId: z.string(), title: z.string().nullable() }),
  ),
  /**
   * Every defined segment with a share in scope: a share counts in each segment its employee
   * belongs to when the report is made (not when they shared), so the rows may add up to more
   * or less than the totals.
   */
  bySegment: z.array(MetricsRow.extend({ segmentId: z.string(), name: z.string() })),
  topAdvocates: z.array(MetricsRow.extend({ employeeId: z.string(), name: z.string() })),
  bestTimes: z.array(
    z.object({
      weekday: z.enum(WEEKDAYS),
      hour: z.number().int().min(0).max(23),
      shares: z.number(),
      /** Reactions, comments, reshares (where measured) and clicks, per share. */
      engagementPerShare: z.number(),
    }),
  ),
  /** True when any figure comes from the sandbox's model rather than a real audience. */
  sandbox: z.boolean(),
});
export type AnalyticsReport = z.infer<typeof AnalyticsReport>;
export type ReportTable = Exclude<keyof AnalyticsReport, 'totals' | 'sandbox'>;
export const REPORT_TABLES = [
  'byNetwork',
  'byDay',
  'topContent',
  'byCampaign',
  'bySegment',
  'topAdvocates',
  'bestTimes',
] as const;

export interface ReportInput {
  shares: readonly Share[];
  /** People the campaigns in scope were offered to; null where Chorus did not count them. */
  invited: number | null;
  policy: Pick<EngagementPolicy, 'mediaRates' | 'reactionWeight'>;
  names: ReadonlyMap<string, string>;
  titles: ReadonlyMap<string, string>;
  /** The defined segments' names, by id: a segment's row is named from it. */
  segmentNames?: ReadonlyMap<string, string>;
  /** The segments each employee belongs to now; absent: no segment table. */
  segmentsOf?: SegmentsOf;
  /** The zone best times are told in. */
  timeZone: string;
  top?: number;
}

const isPublished = (s: Share) => s.status === 'published';

/** The ids of the segments a share's employee belongs to (at the time of the report). */
export type SegmentsOf = (share: Share) => readonly string[];

/** LinkedIn gives third-party apps no member's connection count: its shares add 0 to reach. */
const NO_AUDIENCE: ReadonlySet<string> = new Set(['linkedin']);

type Policy = ReportInput['policy'];

/**
 * A share's earned media value: what its measured impressions and reactions and its counted
 * clicks would have cost to buy. Nothing stands in for what was not read: an audience standing in
 * for impressions made EMV large before the first reading and shrink after it.
 */
const mediaValue = (share: Share, policy: Policy): number => {
  const rates = policy.mediaRates[share.network as keyof typeof policy.mediaRates];
  if (!rates) return 0;
  const impressions = share.engagement?.impressions ?? 0;
  const reactions = share.engagement?.reactions ?? 0;
  return (
    (rates.cpm * impressions) / 1000 +
    rates.cpc * (policy.reactionWeight * reactions + (share.clicks ?? 0))
  );
};

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/**
 * The running sums behind one MetricsRow: a few numbers however many shares went in, so a report
 * over 200,000 shares holds one of these per row (network, day, post, employee, hour), never the
 * shares. Shares are added in the order they are read; the sums are the same whatever the pages.
 */
interface MetricsSums {
  shares: number;
  potentialReach: number;
  impressions: number | null;
  reactions: number | null;
  comments: number | null;
  reshares: number | null;
  clicks: number;
  /** Shares with an engagement reading: EMV and the rate are null while this is 0. */
  measured: number;
  /** Shares whose impressions were measured, and what they engaged: the rate over impressions. */
  withImpressions: number;
  engagedWithImpressions: number;
  earnedMediaValueUsd: number;
}

const noSums = (): MetricsSums => ({
  shares: 0,
  potentialReach: 0,
  impressions: null,
  reactions: null,
  comments: null,
  reshares: null,
  clicks: 0,
  measured: 0,
  withImpressions: 0,
  engagedWithImpressions: 0,
  earnedMediaValueUsd: 0,
});

/** A figure no share gave stays null; the first one given starts the sum. */
const plus = (sum: number | null, value: number | null | undefined): number | null =>
  typeof value === 'number' ? (sum ?? 0) + value : sum;

/** Adds one published share to the sums. */
const addTo = (sums: MetricsSums, s: Share, policy: Policy): void => {
  sums.shares += 1;
  sums.potentialReach += s.audienceSize;
  sums.impressions = plus(sums.impressions, s.engagement?.impressions);
  sums.reactions = plus(sums.reactions, s.engagement?.reactions);
  sums.comments = plus(sums.comments, s.engagement?.comments);
  sums.reshares = plus(sums.reshares, s.engagement?.reshares);
  sums.clicks += s.clicks ?? 0;
  if (s.engagement) sums.measured += 1;
  // The rate over impressions counts only shares whose impressions were measured.
  if (typeof s.engagement?.impressions === 'number') {
    sums.withImpressions += 1;
    sums.engagedWithImpressions +=
      s.engagement.reactions + s.engagement.comments + s.engagement.reshares + (s.clicks ?? 0);
  }
  sums.earnedMediaValueUsd += mediaValue(s, policy);
};

/** Why a row's EMV or rate is null, or null when both are given. */
const noteOf = (sums: MetricsSums): string | null =>
  sums.measured === 0 ? NOT_MEASURED : (sums.impressions ?? 0) > 0 ? null : NO_IMPRESSIONS;

const rowOf = (sums: MetricsSums): MetricsRow => {
  const impressions = sums.impressions ?? 0;
  const rated = sums.measured > 0 && sums.withImpressions > 0 && impressions > 0;
  return {
    shares: sums.shares,
    potentialReach: sums.potentialReach,
    impressions: sums.impressions,
    reactions: sums.reactions,
    comments: sums.comments,
    reshares: sums.reshares,
    clicks: sums.clicks,
    sharesMeasured: sums.measured,
    engagementRate: rated ? round(sums.engagedWithImpressions / impressions, 6) : null,
    engagementRateBasis: rated ? 'impressions' : null,
    earnedMediaValueUsd: sums.measured > 0 ? round(sums.earnedMediaValueUsd, 2) : null,
    note: noteOf(sums),
  };
};

export const metricsOf = (shares: readonly Share[], policy: Policy): MetricsRow => {
  const sums = noSums();
  for (const share of shares) if (isPublished(share)) addTo(sums, share, policy);
  return rowOf(sums);
};

const interactionsOf = (row: MetricsRow) =>
  (row.reactions ?? 0) + (row.comments ?? 0) + (row.reshares ?? 0) + row.clicks;

/** The weekday and hour of an instant in a zone; one formatter per report, not one per share. */
const slotReader = (timeZone: string) => {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  return (at: string) => {
    const parts = format.formatToParts(new Date(at));
    const weekday = parts
      .find((p) => p.type === 'weekday')
      ?.value.toLowerCase()
      .slice(0, 3);
    const hour = Number(parts.find((p) => p.type === 'hour')?.value);
    return `${weekday}#${hour}`;
  };
};

/** Sums per key, in the order keys were first seen (ties in a ranking keep that order). */
const groupSums = () => {
  const groups = new Map<string, MetricsSums>();
  return {
    groups,
    add(key: string | undefined, share: Share, policy: Policy) {
      if (key === undefined) return;
      let sums = groups.get(key);
      if (!sums) {
        sums = noSums();
        groups.set(key, sums);
      }
      addTo(sums, share, policy);
    },
  };
};

/**
 * A report built a page of shares at a time: `add` each page as it is read, `finish` once. What
 * it holds grows with the rows of the report (networks, days, posts, campaigns,
 * segments, employees, hours), never
 * with the shares, so the same code serves a request's few thousand shares and a background
 * job's hundreds of thousands, and the two cannot disagree.
 */
export const reportAccumulator = (options: Pick<ReportInput, 'policy' | 'timeZone'>) => {
  const { policy } = options;
  const slotOf = slotReader(options.timeZone);
  const all = noSums();
  const statuses = new Map<Share['status'], number>();
  let sandbox = false;
  let measuredCount = 0;
  let audienceUntold = 0;
  const noFigures = new Set<string>();
  const byNetwork = groupSums();
  const byDay = groupSums();
  const byPost = groupSums();
  const byCampaign = groupSums();
  /** Each campaign's post: a campaign shares one post, so its first share says which. */
  const postOfCampaign = new Map<string, string>();
  const bySegment = groupSums();
  const byEmployee = groupSums();
  const bySlot = groupSums();
  let read = 0;

  return {
    /** Shares added so far, published or not. */
    get sharesAdded() {
      return read;
    },

    /** Adds a page of shares; `segmentsOf` tells each one's segments (absent: none). */
    add(shares: readonly Share[], segmentsOf?: SegmentsOf): void {
      for (const s of shares) {
        read += 1;
        statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
        if (!isPublished(s)) continue;
        addTo(all, s, policy);
        if (s.network === 'sandbox') sandbox = true;
        if (s.engagement) measuredCount += 1;
        if (s.engagementUnavailable) noFigures.add(s.network);
        if (NO_AUDIENCE.has(s.network)) audienceUntold += 1;
        byNetwork.add(s.network, s, policy);
        byDay.add(s.publishedAt?.slice(0, 10), s, policy);
        byPost.add(s.postId, s, policy);
        byCampaign.add(s.campaignId, s, policy);
        if (!postOfCampaign.has(s.campaignId)) postOfCampaign.set(s.campaignId, s.postId);
        for (const segmentId of segmentsOf?.(s) ?? []) bySegment.add(segmentId, s, policy);
        byEmployee.add(s.employeeId, s, policy);
        bySlot.add(s.publishedAt ? slotOf(s.publishedAt) : undefined, s, policy);
      }
    },

    finish(
      input: Pick<ReportInput, 'invited' | 'names' | 'titles' | 'top' | 'segmentNames'>,
    ): AnalyticsReport {
      const top = input.top ?? 10;
      const totalsRow = rowOf(all);
      const count = (status: Share['status']) => statuses.get(status) ?? 0;
      const engagementNote = [
        `read from the networks for ${measuredCount} of ${all.shares} shares`,
        noFigures.size > 0 ? `no figures given by ${[...noFigures].join(', ')}` : undefined,
        sandbox ? 'sandbox network: modelled engagement, not a real audience' : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      const sharers = byEmployee.groups.size;
      const averageAudience = all.shares > 0 ? totalsRow.potentialReach / all.shares : 0;
      const rowsOf = (group: ReturnType<typeof groupSums>) =>
        [...group.groups].map(([key, sums]) => ({ key, row: rowOf(sums) }));
      const sorted = (group: ReturnType<typeof groupSums>) =>
        rowsOf(group).sort((a, b) => a.key.localeCompare(b.key));
      const ranked = <T>(
        group: ReturnType<typeof groupSums>,
        extra: (key: string) => T,
        limit = top,
      ) =>
        rowsOf(group)
          .sort(
            (a, b) => interactionsOf(b.row) - interactionsOf(a.row) || b.row.shares - a.row.shares,
          )
          .slice(0, limit)
          .map(({ key, row }) => ({ ...extra(key), ...row }));

      return {
        totals: {
          shares: figureOf('shares', totalsRow.shares, 'published'),
          failed: counted(count('failed')),
          skipped: counted(count('skipped')),
          pending: counted(count('pending') + count('publishing')),
          sharers: counted(sharers, 'people with at least one published share'),
          campaigns: counted(
            byCampaign.groups.size,
            byCampaign.groups.size > MAX_CAMPAIGN_ROWS
              ? `campaigns with a published share; byCampaign lists the ${MAX_CAMPAIGN_ROWS} with most engagement`
              : 'campaigns with a published share',
          ),
          invited: counted(
            input.invited,
            input.invited === null ? 'not counted for this scope' : undefined,
          ),
          participation: counted(
            input.invited ? round(sharers / input.invited, 4) : null,
            'people who shared ÷ people the campaigns were offered to',
          ),
          potentialReach: figureOf(
            'potentialReach',
            totalsRow.potentialReach,
            "sum of the sharers' audiences at the time of sharing" +
              (audienceUntold > 0
                ? `; ${audienceUntold} LinkedIn shares count 0: LinkedIn tells this app no audience`
                : ''),
          ),
          impressions: figureOf('impressions', totalsRow.impressions, engagementNote),
          reactions: figureOf('reactions', totalsRow.reactions, engagementNote),
          comments: figureOf('comments', totalsRow.comments, engagementNote),
          reshares: figureOf('reshares', totalsRow.reshares, engagementNote),
          clicks: figureOf(
            'clicks',
            totalsRow.clicks,
            "readers' clicks on Chorus's own tracked links",
          ),
          engagementRate: figureOf(
            'engagementRate',
            totalsRow.engagementRate,
            totalsRow.engagementRate === null
              ? `${totalsRow.note}: ${engagementNote}`
              : `(reactions + comments + reshares + clicks) ÷ impressions, over the shares whose impressions were read`,
          ),
          earnedMediaValueUsd: figureOf(
            'earnedMediaValueUsd',
            totalsRow.earnedMediaValueUsd,
            totalsRow.earnedMediaValueUsd === null
              ? `${NOT_MEASURED}: ${engagementNote}`
              : `CPM × impressions ÷ 1000 + CPC × (${policy.reactionWeight} × reactions + clicks); impressions and reactions read for ${measuredCount} of ${all.shares} shares, the others add their clicks only (nothing stands in for a figure not read)`,
          ),
          secondRoundReach: estimated(
            totalsRow.reshares === null ? null : Math.round(totalsRow.reshares * averageAudience),
            "reshares × the sharers' average audience",
          ),
        },
        byNetwork: sorted(byNetwork).map(({ key, row }) => ({ network: key, ...row })),
        byDay: sorted(byDay).map(({ key, row }) => ({ day: key, ...row })),
        topContent: ranked(byPost, (postId) => ({
          postId,
          title: input.titles.get(postId) ?? postId,
        })),
        byCampaign: ranked(
          byCampaign,
          (campaignId) => {
            const postId = postOfCampaign.get(campaignId) ?? '';
            return { campaignId, postId, title: input.titles.get(postId) ?? null };
          },
          MAX_CAMPAIGN_ROWS,
        ),
        bySegment: sorted(bySegment).map(({ key, row }) => ({
          segmentId: key,
          name: input.segmentNames?.get(key) ?? key,
          ...row,
        })),
        topAdvocates: ranked(byEmployee, (employeeId) => ({
          employeeId,
          name: input.names.get(employeeId) ?? employeeId,
        })),
        bestTimes: rowsOf(bySlot)
          .map(({ key, row }) => {
            const [weekday, hour] = key.split('#') as [(typeof WEEKDAYS)[number], string];
            return {
              weekday,
              hour: Number(hour),
              shares: row.shares,
              engagementPerShare: round(interactionsOf(row) / row.shares, 3),
            };
          })
          .sort((a, b) => b.engagementPerShare - a.engagementPerShare || b.shares - a.shares),
        sandbox,
      };
    },
  };
};
export type ReportAccumulator = ReturnType<typeof reportAccumulator>;

/** The report of shares already in hand: the accumulator over one page. */
export const buildReport = (input: ReportInput): AnalyticsReport => {
  const accumulator = reportAccumulator(input);
  accumulator.add(input.shares, input.segmentsOf);
  return accumulator.finish(input);
};

/** Each table's first columns, what its rows are of; the figures of MetricsRow follow. */
const LEADING_COLUMNS: Record<ReportTable, readonly string[]> = {
  byNetwork: ['network'],
  byDay: ['day'],
  topContent: ['postId', 'title'],
  byCampaign: ['campaignId', 'postId', 'title'],
  bySegment: ['segmentId', 'name'],
  topAdvocates: ['employeeId', 'name'],
  bestTimes: ['weekday', 'hour', 'shares', 'engagementPerShare'],
};

const csvCell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  // Quoted where needed, and a leading formula character neutralised (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** One table as CSV; each figure's header says where it comes from, e.g. `impressions (measured)`. */
export const tableAsCsv = (report: AnalyticsReport, table: ReportTable): string => {
  const rows = report[table] as readonly Record<string, unknown>[];
  // Named, not read from the first row: a report kept on a job comes back from DynamoDB with
  // its keys in another order, and its CSV must read the same as the request's.
  const columns = [
    ...LEADING_COLUMNS[table],
    ...(table === 'bestTimes' ? [] : Object.keys(MetricsRow.shape)),
  ];
  const header = columns.map((c) => {
    const source = COLUMN_SOURCES[c as keyof MetricsRow];
    return source && source !== 'label' ? `${c} (${source})` : c;
  });
  return `${[header, ...rows.map((r) => columns.map((c) => csvCell(r[c])))].map((line) => line.join(',')).join('\r\n')}\r\n`;
};

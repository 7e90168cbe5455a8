import { z } from 'zod';
import { counted, estimated, Figure, measured } from '#shared/analytics/figure';
import type { EngagementPolicy } from '#shared/engagement/policy';
import type { Share } from '#shared/shares/share';

/**
 * The analytics of a set of shares: totals, the same figures by network, day, post and employee,
 * and the best times to share. Pure: the route gathers the shares, this does the arithmetic.
 */

/** The figures every table row carries; `null` where no network gave the figure. */
export const MetricsRow = z.object({
  shares: z.number(),
  potentialReach: z.number(),
  impressions: z.number().nullable(),
  reactions: z.number().nullable(),
  comments: z.number().nullable(),
  reshares: z.number().nullable(),
  clicks: z.number(),
  engagementRate: z.number().nullable(),
  /** What the rate divides by: measured impressions, or the sharers' audience where none were given. */
  engagementRateBasis: z.enum(['impressions', 'potential reach']).nullable(),
  earnedMediaValueUsd: z.number(),
});
export type MetricsRow = z.infer<typeof MetricsRow>;

/** Where each column of a table comes from: printed in CSV headers and the API description. */
export const COLUMN_SOURCES: Record<keyof MetricsRow, Figure['source'] | 'label'> = {
  shares: 'counted',
  potentialReach: 'counted',
  impressions: 'measured',
  reactions: 'measured',
  comments: 'measured',
  reshares: 'measured',
  clicks: 'counted',
  engagementRate: 'measured',
  engagementRateBasis: 'label',
  earnedMediaValueUsd: 'estimated',
};

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const AnalyticsReport = z.object({
  totals: z.object({
    shares: Figure,
    failed: Figure,
    skipped: Figure,
    pending: Figure,
    sharers: Figure,
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
  /** The zone best times are told in. */
  timeZone: string;
  top?: number;
}

const isPublished = (s: Share) => s.status === 'published';

/** LinkedIn gives third-party apps no member's connection count: its shares add 0 to reach. */
const NO_AUDIENCE: ReadonlySet<string> = new Set(['linkedin']);

/** A share's earned media value: what its impressions and clicks would have cost to buy. */
const mediaValue = (share: Share, policy: ReportInput['policy']) => {
  const rates = policy.mediaRates[share.network as keyof typeof policy.mediaRates];
  if (!rates) return { usd: 0, reachStoodIn: false };
  const impressions = share.engagement?.impressions;
  const reachStoodIn = impressions === null || impressions === undefined;
  const seen = reachStoodIn ? share.audienceSize : impressions;
  const reactions = share.engagement?.reactions ?? 0;
  const usd =
    (rates.cpm * seen) / 1000 +
    rates.cpc * (policy.reactionWeight * reactions + (share.clicks ?? 0));
  return { usd, reachStoodIn };
};

const sumOf = (values: readonly (number | null | undefined)[]): number | null => {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
};

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

export const metricsOf = (shares: readonly Share[], policy: ReportInput['policy']): MetricsRow => {
  const published = shares.filter(isPublished);
  const potentialReach = published.reduce((t, s) => t + s.audienceSize, 0);
  const impressions = sumOf(published.map((s) => s.engagement?.impressions));
  const reactions = sumOf(published.map((s) => s.engagement?.reactions));
  const comments = sumOf(published.map((s) => s.engagement?.comments));
  const reshares = sumOf(published.map((s) => s.engagement?.reshares));
  const clicks = published.reduce((t, s) => t + (s.clicks ?? 0), 0);
  const interactions = (reactions ?? 0) + (comments ?? 0) + (reshares ?? 0) + clicks;
  // The rate over impressions counts only shares whose impressions were measured.
  const withImpressions = published.filter((s) => typeof s.engagement?.impressions === 'number');
  const basis =
    withImpressions.length > 0 && (impressions ?? 0) > 0
      ? 'impressions'
      : potentialReach > 0
        ? 'potential reach'
        : null;
  const rateOver = (list: readonly Share[], denominator: number) => {
    const engaged = list.reduce(
      (t, s) =>
        t +
        (s.engagement
          ? s.engagement.reactions + s.engagement.comments + s.engagement.reshares
          : 0) +
        (s.clicks ?? 0),
      0,
    );
    return denominator > 0 ? round(engaged / denominator, 6) : null;
  };
  return {
    shares: published.length,
    potentialReach,
    impressions,
    reactions,
    comments,
    reshares,
    clicks,
    engagementRate:
      basis === 'impressions'
        ? rateOver(withImpressions, impressions ?? 0)
        : basis === 'potential reach'
          ? round(interactions / potentialReach, 6)
          : null,
    engagementRateBasis: basis,
    earnedMediaValueUsd: round(
      published.reduce((t, s) => t + mediaValue(s, policy).usd, 0),
      2,
    ),
  };
};

const groupBy = <K>(shares: readonly Share[], key: (s: Share) => K | undefined) => {
  const groups = new Map<K, Share[]>();
  for (const share of shares) {
    const k = key(share);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), share]);
  }
  return groups;
};

const interactionsOf = (row: MetricsRow) =>
  (row.reactions ?? 0) + (row.comments ?? 0) + (row.reshares ?? 0) + row.clicks;

const slotOf = (at: string, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const weekday = parts
    .find((p) => p.type === 'weekday')
    ?.value.toLowerCase()
    .slice(0, 3);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  return { weekday: weekday as (typeof WEEKDAYS)[number], hour };
};

export const buildReport = (input: ReportInput): AnalyticsReport => {
  const { policy } = input;
  const top = input.top ?? 10;
  const published = input.shares.filter(isPublished);
  const all = metricsOf(published, policy);
  const count = (status: Share['status']) => input.shares.filter((s) => s.status === status).length;
  const sandbox = published.some((s) => s.network === 'sandbox');
  const measuredCount = published.filter((s) => s.engagement).length;
  const noFigures = [
    ...new Set(published.filter((s) => s.engagementUnavailable).map((s) => s.network)),
  ];
  const engagementNote = [
    `read from the networks for ${measuredCount} of ${published.length} shares`,
    noFigures.length > 0 ? `no figures given by ${noFigures.join(', ')}` : undefined,
    sandbox ? 'sandbox network: modelled engagement, not a real audience' : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const sharerIds = new Set(published.map((s) => s.employeeId));
  const standIns = published.filter((s) => mediaValue(s, policy).reachStoodIn).length;
  const audienceUntold = published.filter((s) => NO_AUDIENCE.has(s.network)).length;
  const averageAudience = published.length > 0 ? all.potentialReach / published.length : 0;

  const rowsBy = <K extends string>(key: (s: Share) => K | undefined) =>
    [...groupBy(published, key)].map(([k, list]) => ({ key: k, row: metricsOf(list, policy) }));
  const ranked = <T>(rows: { key: string; row: MetricsRow }[], extra: (key: string) => T) =>
    rows
      .sort((a, b) => interactionsOf(b.row) - interactionsOf(a.row) || b.row.shares - a.row.shares)
      .slice(0, top)
      .map(({ key, row }) => ({ ...extra(key), ...row }));

  const slots = groupBy(published, (s) => {
    if (!s.publishedAt) return undefined;
    const { weekday, hour } = slotOf(s.publishedAt, input.timeZone);
    return `${weekday}#${hour}`;
  });

  return {
    totals: {
      shares: counted(all.shares, 'published'),
      failed: counted(count('failed')),
      skipped: counted(count('skipped')),
      pending: counted(count('pending') + count('publishing')),
      sharers: counted(sharerIds.size, 'people with at least one published share'),
      invited: counted(
        input.invited,
        input.invited === null ? 'not counted for this scope' : undefined,
      ),
      participation: counted(
        input.invited ? round(sharerIds.size / input.invited, 4) : null,
        'people who shared ÷ people the campaigns were offered to',
      ),
      potentialReach: counted(
        all.potentialReach,
        "sum of the sharers' audiences at the time of sharing" +
          (audienceUntold > 0
            ? `; ${audienceUntold} LinkedIn shares count 0: LinkedIn tells this app no audience`
            : ''),
      ),
      impressions: measured(all.impressions, engagementNote),
      reactions: measured(all.reactions, engagementNote),
      comments: measured(all.comments, engagementNote),
      reshares: measured(all.reshares, engagementNote),
      clicks: counted(all.clicks, "readers' clicks on Chorus's own tracked links"),
      engagementRate:
        all.engagementRateBasis === 'impressions'
          ? measured(all.engagementRate, '(reactions + comments + reshares + clicks) ÷ impressions')
          : estimated(
              all.engagementRate,
              'no impressions were given: (reactions + comments + reshares + clicks) ÷ potential reach',
            ),
      earnedMediaValueUsd: estimated(
        all.earnedMediaValueUsd,
        `CPM × impressions ÷ 1000 + CPC × (${policy.reactionWeight} × reactions + clicks)` +
          (standIns > 0 ? `; potential reach stood in for impressions on ${standIns} shares` : ''),
      ),
      secondRoundReach: estimated(
        all.reshares === null ? null : Math.round(all.reshares * averageAudience),
        "reshares × the sharers' average audience",
      ),
    },
    byNetwork: rowsBy((s) => s.network)
      .sort((a, b) => a.key.localeCompare(b.key))
      .map(({ key, row }) => ({ network: key, ...row })),
    byDay: rowsBy((s) => s.publishedAt?.slice(0, 10))
      .sort((a, b) => a.key.localeCompare(b.key))
      .map(({ key, row }) => ({ day: key, ...row })),
    topContent: ranked(
      rowsBy((s) => s.postId),
      (postId) => ({
        postId,
        title: input.titles.get(postId) ?? postId,
      }),
    ),
    topAdvocates: ranked(
      rowsBy((s) => s.employeeId),
      (employeeId) => ({
        employeeId,
        name: input.names.get(employeeId) ?? employeeId,
      }),
    ),
    bestTimes: [...slots]
      .map(([slot, list]) => {
        const [weekday, hour] = slot.split('#') as [(typeof WEEKDAYS)[number], string];
        const row = metricsOf(list, policy);
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
  const columns =
    rows.length > 0
      ? Object.keys(rows[0] ?? {})
      : Object.keys(AnalyticsReport.shape[table].element.shape);
  const header = columns.map((c) => {
    const source = COLUMN_SOURCES[c as keyof MetricsRow];
    return source && source !== 'label' ? `${c} (${source})` : c;
  });
  return `${[header, ...rows.map((r) => columns.map((c) => csvCell(r[c])))].map((line) => line.join(',')).join('\r\n')}\r\n`;
};

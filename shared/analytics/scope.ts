import { z } from 'zod';

/**
 * Which shares a report covers: a time range (absent: a post's or campaign's whole life) and any
 * of post, campaign, employee, segment and network; best times are told in `timeZone`.
 */
export interface Scope {
  range?: { from: Date; to: Date };
  postId?: string | undefined;
  campaignId?: string | undefined;
  employeeId?: string | undefined;
  segmentId?: string | undefined;
  network?: string | undefined;
  timeZone: string;
}

/** A scope as a background report's job keeps it: the range fixed when it was asked for. */
export const StoredScope = z.object({
  range: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }).optional(),
  postId: z.string().optional(),
  campaignId: z.string().optional(),
  employeeId: z.string().optional(),
  segmentId: z.string().optional(),
  network: z.string().optional(),
  timeZone: z.string(),
});
export type StoredScope = z.infer<typeof StoredScope>;

const defined = <T extends Record<string, unknown>>(record: T) =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;

export const storedScope = ({ range, ...rest }: Scope): StoredScope =>
  defined({
    ...rest,
    ...(range ? { range: { from: range.from.toISOString(), to: range.to.toISOString() } } : {}),
  });

export const scopeOfStored = ({ range, ...rest }: StoredScope): Scope => ({
  ...rest,
  ...(range ? { range: { from: new Date(range.from), to: new Date(range.to) } } : {}),
});

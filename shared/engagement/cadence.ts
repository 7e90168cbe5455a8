/**
 * How often a share's engagement is read back: often while the post is young and moving, rarely
 * later, never after 30 days. Each network call costs quota (and on X, money).
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const CADENCE: ReadonlyArray<{ untilAge: number; every: number }> = [
  { untilAge: 2 * HOUR, every: 15 * MINUTE },
  { untilAge: DAY, every: HOUR },
  { untilAge: 7 * DAY, every: 6 * HOUR },
  { untilAge: 30 * DAY, every: DAY },
];

export const nextPollAt = (publishedAt: Date, now: Date): Date | null => {
  const age = now.getTime() - publishedAt.getTime();
  const step = CADENCE.find((s) => age < s.untilAge);
  return step ? new Date(now.getTime() + step.every) : null;
};

/** The first reading comes one step after publishing. */
export const engagementPollAfterPublish = (publishedAt: Date): Date =>
  nextPollAt(publishedAt, publishedAt) ?? publishedAt;

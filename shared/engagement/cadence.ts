import {
  type CadenceStep,
  defaultEngagementPolicy,
  type EngagementPolicy,
} from '#shared/engagement/policy';
import type { NetworkName } from '#shared/networks/network';

/**
 * How often a share's engagement is read back: often while the post is young and moving, rarely
 * later, never after the last step. Each network call costs quota (and on X, money).
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const cadenceOf = (policy: Pick<EngagementPolicy, 'cadence' | 'networkCadence'>, network: string) =>
  policy.networkCadence[network as NetworkName] ?? policy.cadence;

/**
 * The next reading after one made at `now`; null once the post is past the last step. Readings
 * fall on a grid of the step's period (quarter hours, whole hours, 00/06/12/18 UTC, midnight UTC),
 * the last grid point within one period: never later than the configured period, and shares
 * published minutes apart come due together and are read in the same batch call.
 */
export const nextPollAt = (
  publishedAt: Date,
  now: Date,
  steps: readonly CadenceStep[] = defaultEngagementPolicy.cadence,
): Date | null => {
  const age = now.getTime() - publishedAt.getTime();
  const step = steps.find((s) => age < s.untilAgeHours * HOUR);
  if (!step) return null;
  const period = step.everyMinutes * MINUTE;
  return new Date(Math.floor((now.getTime() + period) / period) * period);
};

export const nextPollFor = (
  policy: Pick<EngagementPolicy, 'cadence' | 'networkCadence'>,
  network: string,
  publishedAt: Date,
  now: Date,
): Date | null => nextPollAt(publishedAt, now, cadenceOf(policy, network));

/** The first reading comes within one step of publishing, on the default cadence. */
export const engagementPollAfterPublish = (publishedAt: Date): Date =>
  nextPollAt(publishedAt, publishedAt) ?? publishedAt;

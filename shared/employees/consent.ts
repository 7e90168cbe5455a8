import { z } from 'zod';
import { TimeZone, WEEKDAYS } from '#shared/employees/time';
import { NetworkName } from '#shared/networks/network';
import { Topic } from '#shared/posts/post';

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 09:00');

/** When someone is happy for posts to go out; a window whose end is before its start spans midnight. */
export const SharingHours = z
  .strictObject({
    from: HourMinute,
    to: HourMinute,
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
  })
  .refine((h) => h.from !== h.to, { path: ['to'], message: 'must differ from `from`' });
export type SharingHours = z.infer<typeof SharingHours>;

export const DailyCap = z.number().int().min(1).max(100);

export const NetworkConsent = z.strictObject({
  autoShare: z.boolean(),
  /** Most shares Chorus makes for them on this network in one local day; the company's default if unset. */
  dailyCap: DailyCap.optional(),
});
export type NetworkConsent = z.infer<typeof NetworkConsent>;

/**
 * What an employee has agreed to. Only they change it (through `/me`): the company sets defaults
 * and maxima in its sharing policy, never auto-share. Nothing is on until they turn it on.
 */
export const Consent = z.object({
  networks: z.partialRecord(NetworkName, NetworkConsent).default({}),
  /** Topics followed; empty means every topic. */
  topics: z.array(Topic).max(50).default([]),
  /** Unset: the company's default hours. */
  sharingHours: SharingHours.optional(),
  /** Unset: the time zone in the directory. */
  timeZone: TimeZone.optional(),
  paused: z.boolean().default(false),
  /** Kept off public leaderboards; they still see their own points and thanks. */
  hiddenFromLeaderboards: z.boolean().default(false),
  /** Set when they left the programme: nothing is shared for them until they rejoin. */
  leftAt: z.iso.datetime().optional(),
  /** Counts changes, so two concurrent edits cannot silently overwrite each other. */
  revision: z.number().int().nonnegative().default(0),
});
export type Consent = z.infer<typeof Consent>;

export const noConsent = (): Consent => Consent.parse({});

/** A change to consent names only what changes; `null` returns a field to the company default. */
export const ConsentUpdate = z.strictObject({
  networks: z.partialRecord(NetworkName, NetworkConsent).optional(),
  topics: z.array(Topic).max(50).optional(),
  sharingHours: SharingHours.nullable().optional(),
  timeZone: TimeZone.nullable().optional(),
  paused: z.boolean().optional(),
  hiddenFromLeaderboards: z.boolean().optional(),
});
export type ConsentUpdate = z.infer<typeof ConsentUpdate>;

/** Applies an update; unset keys keep their value, `null` clears one. */
export const applyConsentUpdate = (consent: Consent, update: ConsentUpdate): Consent => {
  const next: Consent = {
    ...consent,
    networks: { ...consent.networks, ...update.networks },
    topics: update.topics ?? consent.topics,
    paused: update.paused ?? consent.paused,
    hiddenFromLeaderboards: update.hiddenFromLeaderboards ?? consent.hiddenFromLeaderboards,
    revision: consent.revision + 1,
  };
  for (const key of ['sharingHours', 'timeZone'] as const) {
    if (update[key] === null) delete next[key];
    else if (update[key] !== undefined) Object.assign(next, { [key]: update[key] });
  }
  return next;
};

/** Leaving switches every auto-share off, so rejoining shares nothing until they choose again. */
export const leaveProgramme = (consent: Consent, at: Date): Consent => ({
  ...consent,
  networks: Object.fromEntries(
    Object.entries(consent.networks).map(([network, c]) => [network, { ...c, autoShare: false }]),
  ),
  leftAt: at.toISOString(),
  revision: consent.revision + 1,
});

export const rejoinProgramme = (consent: Consent): Consent => {
  const { leftAt: _left, ...rest } = consent;
  return { ...rest, revision: consent.revision + 1 };
};

import type { SharingHours } from '#shared/employees/consent';
import { addDays, instantOf, localTime, weekdayOf } from '#shared/employees/time';
import { unitHash } from '#shared/hash';

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

export interface Window {
  start: Date;
  end: Date;
}

/** The sharing window that contains `at`, or else the next one. */
export const sharingWindow = (at: Date, hours: SharingHours, zone: string): Window => {
  const from = minutesOf(hours.from);
  const length = (minutesOf(hours.to) - from + DAY_MINUTES) % DAY_MINUTES;
  const today = localTime(at, zone).date;
  // From yesterday: a window that crosses midnight may still be open.
  for (let day = -1; day <= 7; day++) {
    const date = addDays(today, day);
    if (!hours.days.includes(weekdayOf(date))) continue;
    const start = instantOf(date, from, zone);
    const end = new Date(start.getTime() + length * MINUTE);
    if (end > at) return { start, end };
  }
  throw new Error('Sharing hours name no day of the week');
};

export const isWithinSharingHours = (at: Date, hours: SharingHours, zone: string): boolean =>
  sharingWindow(at, hours, zone).start <= at;

/**
 * When a share should go out: its place in the campaign's stagger window, fixed by the share id
 * (so a re-run of the fan-out plans the same time), moved into the employee's sharing hours if it
 * falls outside them. Shares moved to the next window are spread over its first part (at least
 * an hour) rather than all landing on its first minute.
 */
export const plannedDelivery = (input: {
  shareId: string;
  scheduledAt: Date;
  staggerMinutes: number;
  hours: SharingHours;
  zone: string;
}): Date => {
  const place = unitHash(input.shareId);
  const target = new Date(input.scheduledAt.getTime() + place * input.staggerMinutes * MINUTE);
  const window = sharingWindow(target, input.hours, input.zone);
  if (window.start <= target) return target;
  const windowMinutes = (window.end.getTime() - window.start.getTime()) / MINUTE;
  const spread = Math.min(Math.max(input.staggerMinutes, 60), windowMinutes);
  return new Date(window.start.getTime() + Math.floor(place * spread) * MINUTE);
};

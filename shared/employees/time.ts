import { z } from 'zod';

/**
 * Wall-clock arithmetic in a person's time zone, with nothing but Intl: sharing hours and daily
 * caps are local to the employee, while every stored time is UTC.
 */

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const TimeZone = z
  .string()
  .trim()
  .refine(isTimeZone, 'an IANA time zone such as Europe/Berlin');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (zone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
};

const partsOf = (at: Date, zone: string) => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
};

export const localTime = (at: Date, zone: string): LocalTime => {
  const p = partsOf(at, zone);
  const date = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  // Day of week from the local calendar date, not from the UTC instant.
  return { date, weekday: weekdayOf(date), minutes: p.hour * 60 + p.minute };
};

/** The zone's offset from UTC at an instant, in milliseconds. */
const offsetAt = (at: Date, zone: string): number => {
  const p = partsOf(at, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
};

/**
 * The instant a local date and time names. Times skipped by a daylight-saving change land just
 * after the gap, as a person's alarm clock would.
 */
export const instantOf = (date: string, minutes: number, zone: string): Date => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  const first = naive - offsetAt(new Date(naive), zone);
  return new Date(naive - offsetAt(new Date(first), zone));
};

/** The local calendar date `days` after `date`. */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export const weekdayOf = (date: string): Weekday =>
  WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7] as Weekday;

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DateRangeFields, endOf, instantsOf, startOf } from '#shared/time/date-range';

const Query = z.strictObject(DateRangeFields);

describe('date ranges', () => {
  it('read a date as a whole day in UTC by default, `to` inclusive', () => {
    const query = Query.parse({ from: '2026-01-01', to: '2026-01-31' });
    expect(query.timeZone).toBe('UTC');
    expect(instantsOf(query)).toEqual({
      from: new Date('2026-01-01T00:00:00.000Z'),
      to: new Date('2026-01-31T23:59:59.999Z'),
    });
  });

  it('read a date in the time zone asked for, across daylight-saving changes', () => {
    expect(startOf('2026-01-01', 'Europe/Berlin').toISOString()).toBe('2025-12-31T23:00:00.000Z');
    expect(endOf('2026-01-01', 'Europe/Berlin').toISOString()).toBe('2026-01-01T22:59:59.999Z');
    // The 29th of March 2026 is 23 hours long in Berlin.
    expect(startOf('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(endOf('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-29T21:59:59.999Z');
    expect(startOf('2026-05-03', 'America/New_York').toISOString()).toBe(
      '2026-05-03T04:00:00.000Z',
    );
  });

  it('keep an instant with an offset as it is, whatever the zone', () => {
    const query = Query.parse({
      from: '2026-01-01T09:00:00+02:00',
      to: '2026-01-02T00:00:00Z',
      timeZone: 'Asia/Tokyo',
    });
    expect(instantsOf(query)).toEqual({
      from: new Date('2026-01-01T07:00:00.000Z'),
      to: new Date('2026-01-02T00:00:00.000Z'),
    });
  });

  it('refuse what is neither, an impossible date, or an unknown zone', () => {
    for (const bad of [
      { from: '2026-02-30' },
      { from: '2026-1-1' },
      { to: '2026-01-01T00:00:00' },
      { to: 'yesterday' },
      { from: '2026-01-01', timeZone: 'Mars/Olympus' },
    ]) {
      expect(Query.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('leave out an end not given', () => {
    expect(instantsOf(Query.parse({}))).toEqual({});
    expect(instantsOf(Query.parse({ to: '2026-01-01' }))).toEqual({
      to: new Date('2026-01-01T23:59:59.999Z'),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { parseCsv, readHeader, rowObject } from '#shared/employees/csv';
import type { Employee } from '#shared/employees/employee';
import { compileSegment, SegmentRequest } from '#shared/employees/segment';
import { instantOf, localTime } from '#shared/employees/time';
import { isWithinSharingHours, plannedDelivery, sharingWindow } from '#shared/sharing/schedule';
import { optedIn } from '../fixtures/sharing';

const weekdays = { from: '09:00', to: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } as const;
const hours = { ...weekdays, days: [...weekdays.days] };

describe('local time and sharing hours', () => {
  it('reads wall-clock time in a zone, across daylight saving', () => {
    // 2026-03-29 is the night Berlin moves to summer time.
    expect(localTime(new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin').minutes).toBe(13 * 60);
    expect(localTime(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin').minutes).toBe(14 * 60);
    expect(instantOf('2026-03-30', 9 * 60, 'Europe/Berlin').toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(instantOf('2026-01-05', 9 * 60, 'America/New_York').toISOString()).toBe(
      '2026-01-05T14:00:00.000Z',
    );
  });

  it('moves a Saturday share to Monday morning, in the employee’s zone', () => {
    const saturday = new Date('2026-11-21T10:00:00Z');
    expect(isWithinSharingHours(saturday, hours, 'Europe/Berlin')).toBe(false);
    const window = sharingWindow(saturday, hours, 'Europe/Berlin');
    expect(window.start.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    const at = plannedDelivery({
      shareId: 'shr_1',
      scheduledAt: saturday,
      staggerMinutes: 0,
      hours,
      zone: 'Europe/Berlin',
    });
    expect(at >= window.start && at < new Date(window.start.getTime() + 3_600_000)).toBe(true);
  });

  it('keeps a window that crosses midnight open after midnight', () => {
    const night = { from: '22:00', to: '02:00', days: ['fri' as const] };
    expect(isWithinSharingHours(new Date('2026-11-21T00:30:00Z'), night, 'UTC')).toBe(true);
    expect(isWithinSharingHours(new Date('2026-11-21T02:30:00Z'), night, 'UTC')).toBe(false);
  });

  it('spreads shares over the stagger window, each always at the same place', () => {
    const start = new Date('2026-11-23T09:00:00Z');
    const times = Array.from({ length: 200 }, (_, i) =>
      plannedDelivery({
        shareId: `shr_${i}`,
        scheduledAt: start,
        staggerMinutes: 180,
        hours: optedIn().sharingHours ?? hours,
        zone: 'UTC',
      }).getTime(),
    );
    const spread = (Math.max(...times) - Math.min(...times)) / 60_000;
    expect(spread).toBeGreaterThan(150);
    expect(spread).toBeLessThanOrEqual(180);
  });
});

describe('directory import and segments', () => {
  it('parses quoted CSV fields with commas, quotes and line breaks', () => {
    const rows = parseCsv('\uFEFFemail,name\r\na@x.io,"Doe, ""Jo""\nSr"\r\n\r\nb@x.io,Bo\n');
    expect(rows).toEqual([
      { line: 1, fields: ['email', 'name'] },
      { line: 2, fields: ['a@x.io', 'Doe, "Jo"\nSr'] },
      { line: 5, fields: ['b@x.io', 'Bo'] },
    ]);
  });

  it('names unknown or missing columns, and splits groups', () => {
    expect(readHeader(['email', 'shoe size'])).toEqual({
      problems: [
        { column: 'shoe size', message: expect.stringMatching(/unknown column/) },
        { column: 'name', message: 'missing column' },
      ],
    });
    const header = readHeader(['Email', 'Name', 'Time Zone', 'Groups']);
    if ('problems' in header) throw new Error('header refused');
    expect(rowObject(header.columns, ['a@x.io', 'A', 'Europe/Paris', 'emea; leads'])).toEqual({
      email: 'a@x.io',
      name: 'A',
      timeZone: 'Europe/Paris',
      groups: ['emea', 'leads'],
    });
  });

  it('matches rules without regard to case, and refuses unknown attributes', () => {
    const segment = {
      segmentId: 'sales-fr',
      name: 'Sales in Paris',
      rule: {
        all: [
          { attribute: 'department' as const, in: ['sales'] },
          { attribute: 'location' as const, in: ['Paris', 'Lyon'] },
        ],
      },
      updatedBy: 'ada',
      updatedAt: '2026-11-01T00:00:00.000Z',
    };
    const person = { department: 'Sales', location: 'paris', groups: [] } as unknown as Employee;
    expect(compileSegment(segment)(person)).toBe(true);
    expect(compileSegment(segment)({ ...person, location: 'Berlin' })).toBe(false);
    const bad = SegmentRequest.safeParse({
      name: 'x',
      rule: { all: [{ attribute: 'salary', in: ['high'] }] },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['rule', 'all', 0, 'attribute']);
  });
});

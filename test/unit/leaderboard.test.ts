import { describe, expect, it } from 'vitest';
import {
  countersFor,
  rankAdvocates,
  rankKey,
  rollingDays,
  rollingPoints,
  windowDays,
} from '#shared/recognition/leaderboard';

describe('ranked keys', () => {
  it('sort as boards rank: most points first, then by employee id', () => {
    const standings = Array.from({ length: 400 }, (_, i) => ({
      employeeId: `${i % 3 === 0 ? 'Emp_' : 'emp-'}${((i * 7919) % 1000).toString(36)}`,
      points: (i * 37) % 23,
    }));
    const byKey = [...standings]
      .sort((a, b) => (rankKey(a.points, a.employeeId) < rankKey(b.points, b.employeeId) ? -1 : 1))
      .map((s) => s.employeeId);
    expect(byKey).toEqual(rankAdvocates(standings).map((s) => s.employeeId));
    expect(rankKey(1_000_000, 'a') < rankKey(999_999, 'a')).toBe(true);
  });
});

describe('the rolling window', () => {
  it('keeps the same 30 days the day counters sum', () => {
    const at = new Date('2026-03-01T12:00:00.000Z');
    expect(windowDays(at).map((d) => `D${d}`)).toEqual(countersFor('rolling30', at));
    const days = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [
        new Date(at.getTime() - i * 86_400_000).toISOString().slice(0, 10),
        1,
      ]),
    );
    expect(Object.keys(rollingDays(days, at))).toHaveLength(30);
    expect(rollingPoints(days, at)).toBe(30);
  });

  it('never counts more later than when written: a stored key bounds what a counter has now', () => {
    const written = new Date('2026-03-01T00:00:00.000Z');
    const days = { '2026-02-01': 5, '2026-02-15': 7, '2026-03-01': 3 };
    const stored = rollingPoints(days, written);
    for (let later = 0; later < 40; later++) {
      const at = new Date(written.getTime() + later * 86_400_000);
      expect(rollingPoints(days, at)).toBeLessThanOrEqual(stored);
    }
    expect(rollingPoints(days, new Date('2026-03-31T00:00:00.000Z'))).toBe(0);
  });
});

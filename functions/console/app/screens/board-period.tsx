import type { LeaderboardAnswer } from '../me-endpoints';

/** The leaderboards' periods, as the API names them and as a person reads them. */
export type Period = LeaderboardAnswer['period'];
const PERIODS: { period: Period; label: string }[] = [
  { period: 'week', label: 'This week' },
  { period: 'month', label: 'This month' },
  { period: 'quarter', label: 'This quarter' },
  { period: 'rolling30', label: 'Last 30 days' },
];

/** "Period" and its choice, for every leaderboard (an employee's impact, marketing's analytics). */
export const PeriodPicker = ({
  id,
  period,
  onChange,
}: {
  id: string;
  period: Period;
  onChange: (period: Period) => void;
}) => (
  <>
    <label for={id}>Period</label>
    <select
      id={id}
      value={period}
      onChange={(event) => onChange(event.currentTarget.value as Period)}
    >
      {PERIODS.map((p) => (
        <option key={p.period} value={p.period}>
          {p.label}
        </option>
      ))}
    </select>
  </>
);

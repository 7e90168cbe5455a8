import { z } from 'zod';
import { AnalyticsQuery, reportFor, scopeOf } from '#functions/api/analytics-scope';
import { MyStats } from '#functions/api/answers/impact';
import { currentEmployee } from '#functions/api/current-employee';
import { defineRoute } from '#functions/api/route';
import { counted } from '#shared/analytics/figure';
import { REPORT_READ_BUDGET, REPORT_TOO_LARGE } from '#shared/analytics/scope-report';
import { UnprocessableError } from '#shared/errors';

/**
 * One person's shares in at most 93 days are NOT bounded by the sharing caps: a share refused
 * by the daily cap is still recorded (`skipped`, `daily_cap_reached`), one per campaign and
 * network, and what people share themselves has no cap. So the report keeps to the same read
 * budget as every report, and a range past it is refused, pointing at a shorter one (employees
 * cannot ask for background reports).
 */
const myReport = async (...args: Parameters<typeof reportFor>) => {
  try {
    return await reportFor(...args);
  } catch (error) {
    if (error instanceof UnprocessableError && error.code === REPORT_TOO_LARGE) {
      throw new UnprocessableError(
        `Your shares in this range are more than one request reads (${REPORT_READ_BUDGET.shares.toLocaleString('en')}); ask for a shorter range`,
        REPORT_TOO_LARGE,
      );
    }
    throw error;
  }
};

export const myStats = defineRoute({
  summary: 'My shares, clicks, engagement and reach, and my reach score; nobody else’s',
  description: `At most 93 days. One request reads at most ${REPORT_READ_BUDGET.shares.toLocaleString('en')} of my shares: a range with more is refused with 422 \`report_too_large\`; ask for a shorter one.`,
  tag: 'me',
  roles: ['employee'],
  query: AnalyticsQuery.pick({ from: true, to: true, timeZone: true }),
  response: {
    status: 200,
    description: 'My figures, each labelled by source',
    schema: z.object({ stats: MyStats }),
  },
  errors: [422],
  unprocessable: [
    'The range holds more of my shares than one request reads (`report_too_large`): ask for a shorter one',
  ],
  async handle({ query, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const scope = scopeOf({ ...query, employeeId: employee.employeeId }, deps.now());
    const report = await myReport(scope, deps);
    const { invited: _invited, participation: _participation, ...totals } = report.totals;
    const audience = Object.fromEntries(
      Object.entries(employee.connections)
        .filter(([, c]) => c && (c.status === 'active' || c.status === 'expiring'))
        .map(([network, c]) => [network, c?.audienceSize ?? 0]),
    );
    const earned = [totals.reactions, totals.comments, totals.reshares, totals.clicks].reduce(
      (sum, f) => sum + (f.value ?? 0),
      0,
    );
    const audienceTotal = Object.values(audience).reduce((a, b) => a + b, 0);
    return {
      status: 200,
      body: {
        stats: {
          from: scope.range?.from.toISOString() ?? '',
          to: scope.range?.to.toISOString() ?? '',
          totals,
          byNetwork: report.byNetwork,
          topContent: report.topContent,
          audience,
          reachScore: counted(
            audienceTotal + earned,
            `${audienceTotal} people across your connected networks + ${earned} reactions, comments, reshares and clicks your shares earned in this range`,
          ),
        },
      },
    };
  },
});

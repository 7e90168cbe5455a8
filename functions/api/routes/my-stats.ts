import { z } from 'zod';
import { AnalyticsQuery, reportFor, scopeOf } from '#functions/api/analytics-scope';
import { MyStats } from '#functions/api/answers/impact';
import { currentEmployee } from '#functions/api/current-employee';
import { defineRoute } from '#functions/api/route';
import { counted } from '#shared/analytics/figure';

export const myStats = defineRoute({
  summary: 'My shares, clicks, engagement and reach, and my reach score; nobody else’s',
  tag: 'me',
  roles: ['employee'],
  query: AnalyticsQuery.pick({ from: true, to: true, timeZone: true }),
  response: {
    status: 200,
    description: 'My figures, each labelled by source',
    schema: z.object({ stats: MyStats }),
  },
  async handle({ query, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const scope = scopeOf({ ...query, employeeId: employee.employeeId }, deps.now());
    const report = await reportFor(scope, deps);
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

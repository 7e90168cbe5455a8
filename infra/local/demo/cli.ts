import { parseArgs } from 'node:util';
import {
  DEMO_EMPLOYEE_EMAIL,
  DEMO_STAFF,
  type DemoResult,
  runDemo,
} from '#infra/local/demo/scenario';
import { findRunningRuntime } from '#infra/local/runtime-client';
import type { Figure } from '#shared/analytics/figure';

const { values } = parseArgs({
  options: { data: { type: 'string', default: process.env.CHORUS_DATA_DIR ?? '.chorus' } },
});

const number = (value: number | null) =>
  value === null ? 'not available' : value.toLocaleString('en');

const percent = (value: number | null) =>
  value === null ? 'not available' : `${(value * 100).toFixed(1)}%`;

/** A figure with where it comes from: measured, counted or estimated, and why. */
const figure = (f: Figure) => `${number(f.value)}  [${f.source}${f.note ? `: ${f.note}` : ''}]`;

/**
 * Where each role sees the result in the console: the local sign-in page lists the directory's
 * people (employees) and takes any email with the roles ticked (staff, who are not in it).
 */
const consoleGuide = (apiUrl: string) => `
Open the console at ${apiUrl}/console and sign in on the local page as
  employee            ${DEMO_EMPLOYEE_EMAIL} (pick from the directory): the feed, my impact
  marketing           ${DEMO_STAFF.marketing.email}, tick marketing
  legal               ${DEMO_STAFF.legal.email}, tick legal: the review queue, the audit log
  admin               ${DEMO_STAFF.admin.email}, tick admin
`;

const summary = (r: DemoResult) => {
  const t = r.analytics.totals;
  const findings = r.compliance.findings
    .map(
      (f) =>
        `      [${f.severity}] ${f.message}${f.span ? ` (variant ${(f.variant ?? 0) + 1}, chars ${f.span.start}–${f.span.end})` : ''}`,
    )
    .join('\n');
  return `
Chorus demo — every stage ran, on the SANDBOX network (no real accounts)

  post                ${r.postId} (${r.versions} versions)
  workflow            ${r.statuses.join(' → ')}
  compliance          ${r.compliance.outcome}, ${r.compliance.regulated ? 'regulated → legal approval' : 'not regulated → marketing approval'} (policy v${r.compliance.policyVersion})
${findings}
      disclaimers required: ${r.compliance.disclaimers.map((d) => `"${d.text}"`).join(', ')}
  own approval        refused with ${r.ownApprovalStatus} (nobody approves their own post)
  stale approval      refused with ${r.staleApprovalStatus} (the version changed since it was opened)
  approved by         ${r.approvedBy}
  library             in sales: ${r.libraryForSegment.includes(r.postId) ? 'listed' : 'MISSING'}; in engineering: ${r.libraryOutsideSegment.includes(r.postId) ? 'LISTED' : 'not listed'}
  audit log           ${r.auditActions.length} entries for this post (npm run audit:verify checks the chain)
  campaign            ${r.campaignId}
  shares published    ${number(t.shares.value)} of ${r.expectedShares} opted-in employees (failed ${number(t.failed.value)}, skipped ${number(t.skipped.value)})  [${t.shares.source}]
  participation       ${percent(t.participation.value)} of ${number(t.invited.value)} people offered it  [${t.participation.source}]
  potential reach     ${figure(t.potentialReach)}
  impressions         ${figure(t.impressions)}
  engagement          reactions ${number(t.reactions.value)}, comments ${number(t.comments.value)}, reshares ${number(t.reshares.value)}  [${t.reactions.source}]
  clicks              ${figure(t.clicks)} (the demo clicked ${r.clicksMade})
  engagement rate     ${percent(t.engagementRate.value)}  [${t.engagementRate.source}${t.engagementRate.value === null ? `: ${t.engagementRate.note}` : ''}]
  earned media value  ${t.earnedMediaValueUsd.value === null ? 'not available' : `$${t.earnedMediaValueUsd.value.toFixed(2)}`}  [${t.earnedMediaValueUsd.source}: ${t.earnedMediaValueUsd.note}]
  second-round reach  ${figure(t.secondRoundReach)}
  leaderboard (week)  ${r.leaderboard.map((a) => `${a.rank}. ${a.name} ${a.points} pts`).join(', ')}  [counted: points for shares, clicks and engagement]
  took                ${r.seconds.toFixed(1)} s
`;
};

const runtime = await findRunningRuntime(values.data);
try {
  const result = await runDemo(runtime.apiUrl, (line) => console.log(`… ${line}`));
  console.log(summary(result));
  console.log(consoleGuide(runtime.apiUrl));
} catch (error) {
  console.error(`\nchorus demo failed: ${(error as Error).message}`);
  process.exit(1);
}

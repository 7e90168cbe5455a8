import { parseArgs } from 'node:util';
import { type DemoResult, runDemo } from '#infra/local/demo/scenario';
import { findRunningRuntime } from '#infra/local/runtime-client';

const { values } = parseArgs({
  options: { data: { type: 'string', default: process.env.CHORUS_DATA_DIR ?? '.chorus' } },
});

const number = (value: number | null) =>
  value === null ? 'not available' : value.toLocaleString('en');

const summary = (r: DemoResult) => {
  const { analytics: a } = r;
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
  shares published    ${number(a.shares.published.value)} of ${r.expectedShares} opted-in employees (failed ${number(a.shares.failed.value)}, skipped ${number(a.shares.skipped.value)})
  potential reach     ${number(a.potentialReach.value)} (${a.potentialReach.note})
  engagement          impressions ${number(a.engagement.impressions.value)}, reactions ${number(a.engagement.reactions.value)}, comments ${number(a.engagement.comments.value)}, reshares ${number(a.engagement.reshares.value)}
                      (${a.engagement.impressions.note ?? a.engagement.impressions.source})
  took                ${r.seconds.toFixed(1)} s
`;
};

const runtime = await findRunningRuntime(values.data);
try {
  const result = await runDemo(runtime.apiUrl, (line) => console.log(`… ${line}`));
  console.log(summary(result));
} catch (error) {
  console.error(`\nchorus demo failed: ${(error as Error).message}`);
  process.exit(1);
}

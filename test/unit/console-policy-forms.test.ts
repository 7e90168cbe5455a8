import { describe, expect, it } from 'vitest';
import { defaultApprovalPolicy } from '#shared/approvals/policy';
import { defaultEngagementPolicy } from '#shared/engagement/policy';
import { defaultRecognitionPolicy } from '#shared/recognition/policy';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import {
  changesBetween,
  draftOf,
  fieldAt,
  labelOf,
  leaves,
  valueAt,
  withValue,
} from '../../functions/console/app/policy-form';
import { formOf } from '../../functions/console/app/policy-forms';

/**
 * The admin's policy forms are data (console policy-forms.ts) drawn by one page: every value
 * of each policy must have a field, or a save would send the policy without it; and the
 * history's changes are computed in the browser from two versions.
 */
const DEFAULTS = {
  approval: defaultApprovalPolicy,
  sharing: defaultSharingPolicy,
  engagement: defaultEngagementPolicy,
  recognition: defaultRecognitionPolicy,
} as const;

describe('the admin’s policy forms', () => {
  it.each(Object.entries(DEFAULTS))('draw every value of the %s policy', (kind, policy) => {
    const { fields } = formOf(kind as keyof typeof DEFAULTS);
    const undrawn = [...leaves(draftOf(policy)).keys()].filter(
      (path) => !fieldAt(fields, path).field,
    );
    expect(undrawn).toEqual([]);
  });

  it('finds no field for a value the form does not draw', () => {
    expect(fieldAt(formOf('sharing').fields, 'autoShare').field).toBeUndefined();
    expect(fieldAt(formOf('engagement').fields, 'mediaRates.facebook.cpm').field).toBeUndefined();
  });

  it('labels a path with the words the form shows', () => {
    expect(labelOf(formOf('approval').fields, 'stages.1.name')).toBe('Stages › Stage 2 › Name');
    expect(labelOf(formOf('engagement').fields, 'networkCadence.x.0.everyMinutes')).toBe(
      'Networks with their own cadence › X › Cadence › Step 1 › Read it every (minutes)',
    );
    expect(labelOf(formOf('sharing').fields, 'defaults.sharingHours.days')).toBe(
      'Defaults › Sharing hours › Days',
    );
  });

  it('reads and replaces a value by path without touching the original', () => {
    const draft = draftOf(defaultApprovalPolicy);
    const next = withValue(draft, 'stages.0.name', 'Brand review');
    expect(valueAt(next, 'stages.0.name')).toBe('Brand review');
    expect(valueAt(draft, 'stages.0.name')).toBe('Marketing review');
    expect(valueAt(withValue(draft, 'regulated.topics', undefined), 'regulated')).toEqual({
      flags: ['rxPromotional'],
      segments: [],
      findingRuleIds: [],
    });
  });

  it('says what a version changed from the one before, a list as one value', () => {
    const before = draftOf(defaultSharingPolicy);
    const after = withValue(
      withValue(before, 'monthlyBudgetUsd', 500),
      'defaults.sharingHours.days',
      ['mon', 'tue'],
    ) as typeof before;
    expect(changesBetween(before, after)).toEqual([
      {
        path: 'defaults.sharingHours.days',
        before: ['mon', 'tue', 'wed', 'thu', 'fri'],
        after: ['mon', 'tue'],
      },
      { path: 'monthlyBudgetUsd', before: null, after: 500 },
    ]);
    const engagement = draftOf(defaultEngagementPolicy);
    const withoutX = withValue(engagement, 'networkCadence.x', undefined) as typeof engagement;
    expect(changesBetween(engagement, withoutX).map((c) => [c.path, c.after])).toEqual([
      ['networkCadence', {}],
      ['networkCadence.x.0.untilAgeHours', undefined],
      ['networkCadence.x.0.everyMinutes', undefined],
      ['networkCadence.x.1.untilAgeHours', undefined],
      ['networkCadence.x.1.everyMinutes', undefined],
      ['networkCadence.x.2.untilAgeHours', undefined],
      ['networkCadence.x.2.everyMinutes', undefined],
    ]);
  });
});

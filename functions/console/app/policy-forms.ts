import type { Role } from '#shared/auth/roles';
import type { FieldSpec, Option, PolicyKind } from './policy-form';

/**
 * The admin's four policies as forms: each field of the API's schema (shared/<kind>/policy.ts),
 * how it is edited and labelled, and who may read, save and see the history (the routes' roles
 * in functions/api/routes/policies.ts). test/unit/console-policy-forms.test.ts checks every
 * field of each schema's default policy is drawn, so none is silently dropped on a save.
 */
export interface PolicyForm {
  kind: PolicyKind;
  title: string;
  about: string;
  readers: readonly Role[];
  writers: readonly Role[];
  historians: readonly Role[];
  fields: readonly FieldSpec[];
}

const options = (...pairs: [string, string][]): Option[] =>
  pairs.map(([value, label]) => ({ value, label }));

const NETWORKS = options(
  ['linkedin', 'LinkedIn'],
  ['x', 'X'],
  ['bluesky', 'Bluesky'],
  ['mastodon', 'Mastodon'],
  ['sandbox', 'Sandbox'],
);

const DAYS = options(
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
);

const FLAGS = options(
  ['promotional', 'Promotional'],
  ['containsTestimonial', 'Contains a testimonial'],
  ['rxPromotional', 'Prescription drug promotion'],
  ['forwardLooking', 'Forward-looking statement'],
  ['pastPerformance', 'Past performance'],
);

const cadence = (key: string, label: string): FieldSpec => ({
  kind: 'rows',
  key,
  label,
  item: 'Step',
  max: 12,
  blank: () => ({ untilAgeHours: 24, everyMinutes: 60 }),
  fields: [
    { kind: 'number', key: 'untilAgeHours', label: 'While the post is younger than (hours)' },
    { kind: 'number', key: 'everyMinutes', label: 'Read it every (minutes)', whole: true },
  ],
});

const points = (key: string, label: string): FieldSpec => ({
  kind: 'number',
  key,
  label,
  whole: true,
});

export const POLICY_FORMS: readonly PolicyForm[] = [
  {
    kind: 'approval',
    title: 'Approval stages',
    about:
      'Who reviews a post before it may go out, in order. Posts already in review keep the plan they started with.',
    readers: ['marketing', 'legal', 'admin'],
    writers: ['admin'],
    historians: ['legal', 'admin'],
    fields: [
      {
        kind: 'rows',
        key: 'stages',
        label: 'Stages',
        item: 'Stage',
        max: 5,
        blank: () => ({
          id: '',
          name: '',
          role: 'legal',
          mode: 'any',
          reviewers: [],
          appliesTo: 'all',
        }),
        fields: [
          { kind: 'text', key: 'id', label: 'Stage id', hint: 'Lowercase letters, digits, dashes' },
          { kind: 'text', key: 'name', label: 'Name' },
          {
            kind: 'choice',
            key: 'role',
            label: 'Reviewed by',
            options: options(['marketing', 'Marketing'], ['legal', 'Legal']),
          },
          {
            kind: 'choice',
            key: 'mode',
            label: 'Approved when',
            options: options(
              ['any', 'Any one reviewer approves'],
              ['all', 'Every named reviewer approves'],
            ),
          },
          {
            kind: 'list',
            key: 'reviewers',
            label: 'Named reviewers (emails)',
            hint: 'Separated by commas; none: anyone with the role but the author',
          },
          {
            kind: 'choice',
            key: 'appliesTo',
            label: 'Applies to',
            options: options(
              ['all', 'Every post'],
              ['regulated', 'Regulated posts'],
              ['unregulated', 'Unregulated posts'],
            ),
          },
        ],
      },
      {
        kind: 'toggle',
        key: 'autoApproveClean',
        label: 'Approve a post with no findings that is not regulated without a reviewer',
      },
      {
        kind: 'number',
        key: 'approvalValidDays',
        label: 'An approval lasts (days)',
        whole: true,
        none: 'Approvals never lapse',
      },
      {
        kind: 'group',
        key: 'regulated',
        label: 'Regulated posts',
        hint: 'A post matching any of these is regulated, on top of what the compliance check decides.',
        fields: [
          { kind: 'list', key: 'topics', label: 'Topics' },
          { kind: 'checks', key: 'flags', label: 'Flags', options: FLAGS },
          { kind: 'list', key: 'segments', label: 'Target segments' },
          { kind: 'list', key: 'findingRuleIds', label: 'Compliance rule ids' },
        ],
      },
    ],
  },
  {
    kind: 'sharing',
    title: 'Sharing and budget',
    about:
      'Defaults apply to employees who did not choose; maxima cap what they may choose. Only employees turn auto-share on.',
    readers: ['marketing', 'legal', 'admin'],
    writers: ['admin'],
    historians: ['legal', 'admin'],
    fields: [
      {
        kind: 'group',
        key: 'defaults',
        label: 'Defaults',
        hint: 'For employees who have not chosen their own.',
        fields: [
          {
            kind: 'group',
            key: 'sharingHours',
            label: 'Sharing hours',
            hint: 'An end before the start spans midnight.',
            fields: [
              { kind: 'time', key: 'from', label: 'From' },
              { kind: 'time', key: 'to', label: 'To' },
              { kind: 'checks', key: 'days', label: 'Days', options: DAYS },
            ],
          },
          { kind: 'number', key: 'dailyCap', label: 'Shares per day', whole: true },
        ],
      },
      {
        kind: 'number',
        key: 'maxDailyCap',
        label: 'Most shares per day an employee may allow',
        whole: true,
      },
      {
        kind: 'number',
        key: 'monthlyBudgetUsd',
        label: 'Monthly network budget (USD)',
        hint: 'Estimated network API fees per calendar month (UTC).',
        none: 'No monthly limit',
      },
    ],
  },
  {
    kind: 'engagement',
    title: 'Engagement cadence',
    about:
      'How often shares are read back, and what reach and engagement are worth in earned media value. Readings already scheduled keep their time.',
    readers: ['marketing', 'admin'],
    writers: ['admin'],
    historians: ['marketing', 'admin'],
    fields: [
      cadence('cadence', 'Cadence'),
      {
        kind: 'keyed',
        key: 'networkCadence',
        label: 'Networks with their own cadence',
        hint: 'X charges per post read per UTC day.',
        keys: NETWORKS,
        switchLabel: '{key} has its own cadence',
        item: cadence('', 'Cadence'),
        blank: () => [{ untilAgeHours: 24, everyMinutes: 360 }],
      },
      { kind: 'number', key: 'reactionWeight', label: 'Clicks one reaction is worth' },
      {
        kind: 'keyed',
        key: 'mediaRates',
        label: 'Media rates (USD)',
        hint: 'What buying the reach would have cost; a network without rates earns no value.',
        keys: NETWORKS,
        switchLabel: 'Rates for {key}',
        item: {
          kind: 'group',
          key: '',
          label: 'Rates',
          fields: [
            { kind: 'number', key: 'cpm', label: 'Per 1,000 impressions' },
            { kind: 'number', key: 'cpc', label: 'Per click' },
          ],
        },
        blank: () => ({ cpm: 5, cpc: 0.5 }),
      },
    ],
  },
  {
    kind: 'recognition',
    title: 'Recognition points',
    about: 'Points per action. A new version applies to what is earned next, never to the past.',
    readers: ['employee', 'marketing', 'admin'],
    writers: ['admin'],
    historians: ['marketing', 'admin'],
    fields: [
      {
        kind: 'group',
        key: 'points',
        label: 'Points',
        fields: [
          points('share', 'A share'),
          points('clickReceived', 'Each click on a shared link'),
          points('engagementReceived', 'Each reaction, comment or reshare'),
          points('networkConnected', 'Connecting a network (once each)'),
          points('suggestionAccepted', 'Sharing a suggested post'),
        ],
      },
    ],
  },
];

export const formOf = (kind: PolicyKind): PolicyForm =>
  POLICY_FORMS.find((f) => f.kind === kind) ?? (POLICY_FORMS[0] as PolicyForm);

import type { PostStatus } from '#shared/posts/post';

/**
 * The statuses each action on a post may start from; anything else is a 409. Apart from the
 * workflow (which checks it names every action) and exact (`as const`), so the console can type
 * its own copy against it: a status added here and not there fails the console's typecheck.
 */
export const allowedFrom = {
  edit: ['draft', 'changes_requested', 'in_review', 'approved', 'scheduled'],
  submit: ['draft', 'changes_requested'],
  complianceChecked: ['submitted'],
  startReview: ['compliance_checked'],
  approve: ['in_review'],
  reject: ['in_review'],
  requestChanges: ['in_review'],
  nameReviewers: ['in_review'],
  schedule: ['approved', 'scheduled'],
  expire: ['approved', 'scheduled'],
  lapse: ['approved', 'scheduled'],
  withdraw: [
    'draft',
    'submitted',
    'compliance_checked',
    'in_review',
    'changes_requested',
    'approved',
    'scheduled',
  ],
  delete: ['draft', 'changes_requested', 'rejected', 'withdrawn', 'expired'],
} as const satisfies Record<string, readonly PostStatus[]>;

import type { Campaign } from '#shared/campaigns/campaign';
import type { PostSummary } from '#shared/posts/listing';
import type { COMPLIANCE_CHECK_ACTOR } from '#shared/posts/post';

/** The compliance check's name as decisions carry it, tied to the server's by its type. */
const CHECK: typeof COMPLIANCE_CHECK_ACTOR = 'compliance-check';

/**
 * Where a post stands, as the marketing list says it: its status and what it waits on, on whom.
 * Pure, from the list's summary (and, for a scheduled post, its campaigns once they are read).
 */
export const STATUS_LABELS: Record<PostSummary['status'], string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  compliance_checked: 'Compliance checked',
  in_review: 'In review',
  changes_requested: 'Changes requested',
  rejected: 'Rejected',
  approved: 'Approved',
  scheduled: 'Scheduled',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
  deleted: 'Deleted',
};

export interface Context {
  /** The signed-in person's user id: their own posts wait on "you". */
  me: string;
  /** A scheduled post's campaigns, once read; undefined while they are not. */
  campaigns?: readonly Campaign[] | undefined;
  when: (iso: string) => string;
}

const authorOf = (post: PostSummary, me: string) =>
  post.authorId === me ? 'you' : (post.authorEmail ?? 'its author');

/** Who made the last decision: the stage's role, the compliance check, or a person. */
const decidedBy = (post: PostSummary, me: string) => {
  const decision = post.decision;
  if (!decision) return '';
  if (decision.role) return ` by ${decision.role}${decision.stage ? ` (${decision.stage})` : ''}`;
  if (decision.by === CHECK) return ' by the compliance check';
  if (decision.by === 'system') return '';
  return decision.by === me ? ' by you' : '';
};

const reasonOf = (post: PostSummary) =>
  post.decision?.reason ? `: “${post.decision.reason}”` : '';

const scheduledLine = (campaigns: readonly Campaign[] | undefined, when: Context['when']) => {
  if (!campaigns) return 'Scheduled';
  const next = campaigns
    .filter((c) => c.status === 'scheduled')
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt))[0];
  if (next) return `Scheduled for ${when(next.scheduledAt)}`;
  const sent = campaigns
    .filter((c) => c.status === 'dispatched')
    .sort((a, b) => b.scheduledAt.localeCompare(a.scheduledAt))[0];
  if (sent) return `Scheduled — went out ${when(sent.dispatchedAt ?? sent.scheduledAt)}`;
  return 'Scheduled — no campaign is waiting to go out';
};

/** One line: the status, then what the post waits on and whom ("In review — waiting on legal …"). */
export const standingOf = (post: PostSummary, { me, campaigns, when }: Context): string => {
  const waiting = post.waitingOn;
  switch (post.status) {
    case 'in_review': {
      if (waiting?.on !== 'review') return 'In review';
      const who = waiting.reviewers.length ? waiting.reviewers.join(' or ') : waiting.role;
      const where = waiting.stageNumber
        ? `stage ${waiting.stageNumber} of ${waiting.stageCount}: ${waiting.stage}`
        : waiting.stage;
      return `In review — waiting on ${who} (${where})`;
    }
    case 'draft':
      return `Draft — waiting on ${authorOf(post, me)} to submit it`;
    case 'submitted':
      return post.decision?.kind === 'lapsed'
        ? 'Submitted again, its approval lapsed — waiting on the compliance check'
        : 'Submitted — waiting on the compliance check';
    case 'compliance_checked':
      return 'Compliance checked — its review is being set up';
    case 'changes_requested':
      return `Changes requested${decidedBy(post, me)}${reasonOf(post)} — waiting on ${authorOf(post, me)} to edit and resubmit`;
    case 'rejected':
      return `Rejected${decidedBy(post, me)}${reasonOf(post)}`;
    case 'approved':
      return `Approved — not scheduled${post.expiresAt ? ` (expires ${when(post.expiresAt)})` : ''}`;
    case 'scheduled':
      return scheduledLine(campaigns, when);
    case 'expired':
      return `Expired${post.decision ? ` ${when(post.decision.at)}` : ''}${reasonOf(post)}`;
    case 'withdrawn':
      return `Withdrawn${decidedBy(post, me)}${reasonOf(post)}`;
    default:
      return STATUS_LABELS[post.status];
  }
};

/** The filters an index may serve, in the order the API picks the index by. */
const LIST_FILTERS = ['title', 'segment', 'author', 'status'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/**
 * The filters the API applies within a bounded page rather than by the index it reads (its
 * description: a title prefix picks the title list, else segment, else author, else status).
 * Any of them means a page may hold fewer posts than asked, even none, while more remain.
 */
export const filteredWithinPage = <K extends ListFilter>(
  filters: Partial<Record<K, unknown>>,
): ListFilter[] => {
  const given = LIST_FILTERS.filter(
    (key) => (filters as Partial<Record<ListFilter, unknown>>)[key],
  );
  return given.slice(1);
};

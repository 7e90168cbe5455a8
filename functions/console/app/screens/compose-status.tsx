import { bodyOf, type Draft, draftOf } from '../compose-draft';
import type { PostBody, PostView } from '../post-endpoints';
import { Link } from '../router';
import { scheduleHref } from '../schedule-link';
import { networkLabel, when } from './review-text';

const words = (status: string) => status.replaceAll('_', ' ');

/** Who a review stage waits on: anyone with its role, or the people it names. */
const waitingOn = (stage: NonNullable<PostView['review']>['stages'][number]) =>
  stage.reviewers.length === 0
    ? `any ${stage.role} reviewer`
    : `${stage.mode === 'all' ? 'all of' : 'one of'} ${stage.reviewers.join(', ')}`;

/** Where the post stands in its review: which stage, waiting on whom, or what was decided. */
export const ReviewState = ({ post }: { post: PostView }) => {
  const review = post.review;
  const stage = review?.stages[review.currentStage];
  return (
    <section aria-labelledby="state-heading" class="state">
      <h2 id="state-heading">Review</h2>
      <p>
        <strong>Version {post.version}</strong> is <strong>{words(post.status)}</strong>
        {post.submittedAt ? ` (submitted ${when(post.submittedAt)})` : ''}.
      </p>
      {post.status === 'draft' ? <p>Not submitted: nobody reviews it yet.</p> : null}
      {post.status === 'submitted' || post.status === 'compliance_checked' ? (
        <p role="status">Being checked against the compliance policy; review starts next.</p>
      ) : null}
      {post.status === 'in_review' && review && stage ? (
        <p>
          Stage {review.currentStage + 1} of {review.stages.length}: <strong>{stage.name}</strong>,
          waiting on {waitingOn(stage)}.
        </p>
      ) : null}
      {review?.reasons.length ? (
        <p class="muted small">Reviewed because: {review.reasons.join('; ')}</p>
      ) : null}
      {post.compliance ? (
        <p class="muted small">
          Compliance check of this version: {post.compliance.outcome},{' '}
          {post.compliance.findings.length}{' '}
          {post.compliance.findings.length === 1 ? 'finding' : 'findings'}.
        </p>
      ) : null}
      {post.decision ? (
        <p>
          {words(post.decision.kind)} by {post.decision.by} on {when(post.decision.at)}:{' '}
          {post.decision.reason}
        </p>
      ) : null}
      {post.approvedAt ? (
        <p>
          Approved {when(post.approvedAt)}
          {post.approvalExpiresAt ? `; the approval lapses ${when(post.approvalExpiresAt)}` : ''}.
        </p>
      ) : null}
      {post.status === 'approved' ? (
        <p>
          <Link href={scheduleHref(post.postId)} class="button primary">
            Schedule a campaign
          </Link>
        </p>
      ) : null}
    </section>
  );
};

/** One version's content, as the conflict shows it beside the other. */
const Content = ({ body }: { body: PostBody }) => (
  <dl class="content">
    <dt>Title</dt>
    <dd>{body.title}</dd>
    {body.variants.map((variant, index) => (
      <div key={index}>
        <dt>
          Variant {index + 1}
          {variant.networks ? ` (${variant.networks.map(networkLabel).join(', ')})` : ''}
          {variant.segments ? `, for segments ${variant.segments.join(', ')}` : ''}
        </dt>
        <dd class="text">{variant.text}</dd>
      </div>
    ))}
    <dt>Link</dt>
    <dd>{body.link ?? '(none)'}</dd>
    <dt>Topics</dt>
    <dd>{body.topics.join(', ') || '(none)'}</dd>
    <dt>Segments</dt>
    <dd>{body.segments.join(', ') || '(none)'}</dd>
    <dt>Flags</dt>
    <dd>{body.flags.join(', ') || '(none)'}</dd>
    <dt>Expires</dt>
    <dd>{body.expiresAt ? when(body.expiresAt) : '(never)'}</dd>
  </dl>
);

/**
 * Someone saved the post since it was read: their version beside the marketer's unsaved one, to
 * take theirs (reload) or save this one over it, knowingly.
 */
export const Conflict = ({
  mine,
  theirs,
  busy,
  onReload,
  onKeepMine,
}: {
  mine: Draft;
  theirs: PostView;
  busy: boolean;
  onReload: () => void;
  onKeepMine: () => void;
}) => (
  <section role="alert" aria-labelledby="conflict-heading" class="conflict">
    <h2 id="conflict-heading">Someone saved this post while you were editing</h2>
    <p>
      Your changes were not saved. Version {theirs.version} was saved by{' '}
      {theirs.contributors.find((c) => c.userId === theirs.editedBy)?.email ?? theirs.editedBy} on{' '}
      {when(theirs.updatedAt)}.
    </p>
    <div class="beside">
      <section aria-label="Your version (not saved)">
        <h3>Your version (not saved)</h3>
        <Content body={bodyOf(mine)} />
      </section>
      <section aria-label={`Saved version ${theirs.version}`}>
        <h3>Saved version {theirs.version}</h3>
        <Content body={bodyOf(draftOf(theirs))} />
      </section>
    </div>
    <div class="actions">
      <button type="button" onClick={onReload} disabled={busy}>
        Reload version {theirs.version}
      </button>
      <button type="button" class="primary" onClick={onKeepMine} disabled={busy}>
        Keep mine: save it over version {theirs.version}
      </button>
    </div>
  </section>
);

import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { asApiError } from '../api';
import { Loading, useLoad } from '../load';
import {
  approvePost,
  getComments,
  getReview,
  type ReviewItem,
  rejectPost,
  requestChanges,
} from '../review-endpoints';
import { Link } from '../router';
import { StalePrompt } from '../stale-prompt';
import { CommentThread } from './comment-thread';
import { FieldChanges } from './field-changes';
import { MarkedText, networkLabel, when } from './review-text';

const Diff = ({ diff, version }: { diff: ReviewItem['diff']; version: number }) => (
  <section aria-labelledby="diff-heading">
    <h2 id="diff-heading">Changes since the last approval</h2>
    {diff.against === null ? (
      <p>No version of this post was approved before: everything is new.</p>
    ) : diff.changes.length === 0 ? (
      <p>
        Version {version} is the same as the approved version {diff.against}.
      </p>
    ) : (
      <>
        <p class="muted small">
          Version {diff.against} (approved) to version {version}; removed words are struck through,
          added words underlined.
        </p>
        <FieldChanges changes={diff.changes} />
      </>
    )}
  </section>
);

type Outcome =
  | { kind: 'done'; message: string }
  | { kind: 'stale'; message: string }
  | { kind: 'failed'; error: ApiError };

/** Approve, request changes or reject: each names the version on the page. */
const Decision = ({
  review,
  onDecided,
  onReload,
}: {
  review: ReviewItem;
  onDecided: () => void;
  onReload: () => void;
}) => {
  const { postId, version, status } = review.post;
  const [changes, setChanges] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  useEffect(() => setOutcome(undefined), [version]);

  const decide = async (act: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await act();
      setOutcome({ kind: 'done', message });
      setChanges('');
      setReason('');
      onDecided();
    } catch (failure) {
      const error = asApiError(failure);
      setOutcome(
        error.status === 409
          ? { kind: 'stale', message: error.message }
          : { kind: 'failed', error },
      );
    } finally {
      setBusy(false);
    }
  };
  const open = status === 'in_review';
  const disabled = busy || !open || outcome?.kind === 'stale';

  return (
    <section aria-labelledby="decision-heading" class="decision">
      <h2 id="decision-heading">Your decision on version {version}</h2>
      {!open ? (
        <p>
          This version is not waiting for review (it is {status.replace(/_/g, ' ')}); there is
          nothing to decide.
        </p>
      ) : null}
      {outcome?.kind === 'stale' ? (
        <StalePrompt
          changed="This post changed since you opened it."
          notRecorded={`Your decision on version ${version} was not recorded.`}
          message={outcome.message}
          reloadLabel="Reload the new version"
          onReload={onReload}
        />
      ) : null}
      {outcome?.kind === 'failed' && outcome.error.code !== 'signing_in' ? (
        <p role="alert" class="error">
          {outcome.error.message}
        </p>
      ) : null}
      {outcome?.kind === 'done' ? (
        <p role="status" class="notice">
          {outcome.message} <Link href="/console/reviews">Back to the queue</Link>
        </p>
      ) : null}
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={disabled}
          onClick={() =>
            decide(() => approvePost(postId, version), `You approved version ${version}.`)
          }
        >
          Approve version {version}
        </button>
      </div>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          decide(
            () => requestChanges(postId, version, changes),
            `You asked for changes to version ${version}.`,
          );
        }}
      >
        <label for="changes-comment">What should change</label>
        <textarea
          id="changes-comment"
          required
          maxLength={4000}
          rows={3}
          value={changes}
          onInput={(event) => setChanges(event.currentTarget.value)}
        />
        <div>
          <button type="submit" disabled={disabled || !changes.trim()}>
            Request changes
          </button>
        </div>
      </form>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          decide(() => rejectPost(postId, version, reason), `You rejected version ${version}.`);
        }}
      >
        <label for="reject-reason">Reason for rejecting</label>
        <textarea
          id="reject-reason"
          required
          maxLength={2000}
          rows={2}
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        <div>
          <button type="submit" class="danger" disabled={disabled || !reason.trim()}>
            Reject
          </button>
        </div>
      </form>
    </section>
  );
};

/** One post as legal reviews it: every text as sent, findings marked, why, what changed, talk. */
export const PostReview = ({ postId }: { postId: string }) => {
  const load = useLoad(
    () =>
      Promise.all([getReview(postId), getComments(postId)]).then(([review, { comments }]) => ({
        review,
        comments,
      })),
    [postId],
  );
  if (load.state.kind !== 'ready') {
    return (
      <>
        <h1 tabIndex={-1}>Review</h1>
        <Loading load={load} what="the post">
          {() => null}
        </Loading>
      </>
    );
  }
  const { review, comments } = load.state.value;
  const { post } = review;
  const reload = () => {
    load.reload().then(() => document.querySelector<HTMLElement>('h1')?.focus());
  };
  return (
    <div class="review">
      <p class="small">
        <Link href="/console/reviews">← Review queue</Link> ·{' '}
        <Link href={`/console/audit?post=${encodeURIComponent(post.postId)}`}>Audit trail</Link>
      </p>
      <h1 tabIndex={-1}>{post.title}</h1>
      <p class="muted">
        Version {post.version} · {post.status.replace(/_/g, ' ')} · waiting since{' '}
        {when(review.waitingSince)}
        {post.plannedFor ? ` · planned for ${when(post.plannedFor)}` : ''}
        {review.stage ? ` · stage: ${review.stage.name}` : ''}
      </p>
      <section aria-labelledby="why-heading">
        <h2 id="why-heading">Why legal reviews it</h2>
        {review.regulatedBecause.length ? (
          <ul>
            {review.regulatedBecause.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        ) : (
          <p>Not regulated: no regulated topic or finding calls for legal.</p>
        )}
        {review.noEligibleReviewer ? <p class="error">{review.noEligibleReviewer}</p> : null}
      </section>
      <div class="review-columns">
        <section aria-labelledby="texts-heading" class="texts">
          <h2 id="texts-heading">What each network receives</h2>
          <ul class="networks">
            {review.rendered.map((rendered) => {
              // A variant for some segments goes only to their members: legal sees whom to.
              const segments = post.variants[rendered.variant]?.segments;
              const caption = `Variant ${rendered.variant + 1} on ${networkLabel(rendered.network)}${segments ? `, for segments ${segments.join(', ')}` : ''}`;
              return (
                <li key={`${rendered.variant}-${rendered.network}`} class="network">
                  <MarkedText
                    rendered={rendered}
                    caption={caption}
                    idPrefix={`v${rendered.variant}-${rendered.network}`}
                  />
                </li>
              );
            })}
          </ul>
        </section>
        <div class="side">
          <Decision review={review} onDecided={load.reload} onReload={reload} />
          <Diff diff={review.diff} version={post.version} />
          <CommentThread
            postId={post.postId}
            version={post.version}
            comments={comments}
            onAdded={load.reload}
          />
        </div>
      </div>
    </div>
  );
};

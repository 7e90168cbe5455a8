import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { asApiError } from '../api';
import { threadsOf } from '../comment-threads';
import { Failure, Loading, useLoad } from '../load';
import {
  addComment,
  approvePost,
  type Comment,
  getComments,
  getReview,
  type ReviewItem,
  rejectPost,
  requestChanges,
} from '../review-endpoints';
import { Link } from '../router';
import { StalePrompt } from '../stale-prompt';
import { MarkedText, networkLabel, when } from './review-text';

type Change = ReviewItem['diff']['changes'][number];

const shown = (value: unknown) =>
  value === undefined || value === null
    ? '(none)'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** One field's change: words removed and added, or the value before and after. */
const ChangeRow = ({ change }: { change: Change }) => (
  <li>
    <h3>{change.field}</h3>
    {change.text ? (
      <p class="diff text">
        {change.text.map((token, index) =>
          token.kind === 'added' ? (
            <ins key={index}>{token.text}</ins>
          ) : token.kind === 'removed' ? (
            <del key={index}>{token.text}</del>
          ) : (
            <span key={index}>{token.text}</span>
          ),
        )}
      </p>
    ) : (
      <p class="diff">
        <del>{shown(change.before)}</del> → <ins>{shown(change.after)}</ins>
      </p>
    )}
  </li>
);

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
        <ul class="changes">
          {diff.changes.map((change) => (
            <ChangeRow key={change.field} change={change} />
          ))}
        </ul>
      </>
    )}
  </section>
);

const authorOf = (comment: Comment) => comment.authorEmail ?? comment.authorId;

const CommentBody = ({ comment }: { comment: Comment }) => (
  <>
    <p class="muted small">
      {authorOf(comment)} · version {comment.version} · {when(comment.at)}
      {comment.kind === 'changes_requested' ? ' · asked for changes' : ''}
    </p>
    <p class="comment-text">{comment.text}</p>
  </>
);

/** A text box and its button: a new comment on the version, or a reply in a thread. */
const CommentForm = ({
  id,
  label,
  action,
  send,
  onSent,
}: {
  id: string;
  label: string;
  action: string;
  send: (text: string) => Promise<unknown>;
  onSent: () => void;
}) => {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await send(text);
      setText('');
      onSent();
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="stack">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        required
        maxLength={4000}
        rows={3}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <div>
        <button type="submit" disabled={busy || !text.trim()}>
          {action}
        </button>
      </div>
      {error ? <Failure error={error} /> : null}
    </form>
  );
};

const Thread = ({
  postId,
  version,
  comments,
  onAdded,
}: {
  postId: string;
  version: number;
  comments: Comment[];
  onAdded: () => void;
}) => {
  const [replying, setReplying] = useState<string>();
  return (
    <section aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments</h2>
      {comments.length === 0 ? <p class="muted">No comments yet.</p> : null}
      <ol class="comments" aria-label="Comment thread">
        {threadsOf(comments).map(({ root, replies }) => (
          <li key={root.commentId}>
            <CommentBody comment={root} />
            {replies.length ? (
              <ol class="replies" aria-label={`Replies to ${authorOf(root)}`}>
                {replies.map((reply) => (
                  <li key={reply.commentId}>
                    <CommentBody comment={reply} />
                  </li>
                ))}
              </ol>
            ) : null}
            {replying === root.commentId ? (
              <CommentForm
                id={`reply-${root.commentId}`}
                label={`Your reply to ${authorOf(root)}`}
                action="Send reply"
                // A reply stays on the version its thread discusses.
                send={(text) =>
                  addComment(postId, { text, version: root.version, replyTo: root.commentId })
                }
                onSent={() => {
                  setReplying(undefined);
                  onAdded();
                }}
              />
            ) : (
              <button type="button" class="link" onClick={() => setReplying(root.commentId)}>
                Reply to {authorOf(root)}
              </button>
            )}
          </li>
        ))}
      </ol>
      <CommentForm
        id="new-comment"
        label={`Add a comment on version ${version}`}
        action="Add comment"
        send={(text) => addComment(postId, { text, version })}
        onSent={onAdded}
      />
    </section>
  );
};

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
              const caption = `Variant ${rendered.variant + 1} on ${networkLabel(rendered.network)}`;
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
          <Thread
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

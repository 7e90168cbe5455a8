import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { threadsOf } from '../comment-threads';
import { Failure } from '../load';
import { addComment, type Comment } from '../review-endpoints';
import { when } from './review-text';

/**
 * A post's conversation between marketing and legal, as both their screens show it: threads
 * (a comment and its replies), a reply in place, a new comment on the version shown.
 */
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

export const CommentThread = ({
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

import { useState } from 'preact/hooks';
import { allows } from '../compose-draft';
import type { PostView } from '../post-endpoints';

/**
 * The ends of a post's life, each asked for on purpose: withdraw with a reason (it leaves the
 * library and nothing more is published), delete one never scheduled after a confirmation.
 */
export const EndActions = ({
  post,
  busy,
  onWithdraw,
  onDelete,
}: {
  post: PostView;
  busy: boolean;
  onWithdraw: (reason: string) => Promise<unknown>;
  onDelete: () => Promise<unknown>;
}) => {
  const [reason, setReason] = useState('');
  const [deleting, setDeleting] = useState(false);
  return (
    <>
      {allows('withdraw', post.status) ? (
        <form
          class="stack"
          aria-label="Withdraw"
          onSubmit={(event) => {
            event.preventDefault();
            onWithdraw(reason).then((done) => done && setReason(''));
          }}
        >
          <label for="withdraw-reason">Reason for withdrawing</label>
          <textarea
            id="withdraw-reason"
            rows={2}
            maxLength={2000}
            required
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          <div>
            <button type="submit" class="danger" disabled={busy || !reason.trim()}>
              Withdraw
            </button>
          </div>
        </form>
      ) : null}
      {allows('delete', post.status) && !post.everScheduled ? (
        <div class="actions">
          {deleting ? (
            <>
              <span>Delete “{post.title}”? It stays on the record but leaves every list.</span>
              <button type="button" class="danger" disabled={busy} onClick={onDelete}>
                Yes, delete it
              </button>
              <button type="button" onClick={() => setDeleting(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" class="danger" onClick={() => setDeleting(true)}>
              Delete this post
            </button>
          )}
        </div>
      ) : null}
    </>
  );
};

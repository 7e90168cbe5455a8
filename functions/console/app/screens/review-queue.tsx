import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { getReviewQueue, type QueueOrder, type ReviewItem } from '../review-endpoints';
import { Link } from '../router';
import { when } from './review-text';

type QueueState =
  | { kind: 'loading' }
  | { kind: 'ready'; items: ReviewItem[] }
  | { kind: 'failed'; error: ApiError };

/** What waits for legal: oldest first, or by the date marketing plans to post. */
export const ReviewQueue = () => {
  const [order, setOrder] = useState<QueueOrder>('oldest');
  const [state, setState] = useState<QueueState>({ kind: 'loading' });
  const [tries, setTries] = useState(0);
  useEffect(() => {
    setState({ kind: 'loading' });
    getReviewQueue(order).then(
      (queue) => setState({ kind: 'ready', items: queue.items }),
      (error: unknown) => setState({ kind: 'failed', error: asApiError(error) }),
    );
  }, [order, tries]);

  return (
    <>
      <h1 tabIndex={-1}>Review queue</h1>
      <fieldset class="toggle">
        <legend>Order</legend>
        {(
          [
            ['oldest', 'Oldest first'],
            ['planned', 'Planned first'],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="order"
              value={value}
              checked={order === value}
              onChange={() => setOrder(value)}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {state.kind === 'loading' ? <p role="status">Loading the queue…</p> : null}
      {state.kind === 'failed' && state.error.code !== 'signing_in' ? (
        <div role="alert" class="error">
          <p>{state.error.message}</p>
          <button type="button" onClick={() => setTries(tries + 1)}>
            Try again
          </button>
        </div>
      ) : null}
      {state.kind === 'ready' && state.items.length === 0 ? (
        <p>Nothing waits for your review.</p>
      ) : null}
      {state.kind === 'ready' && state.items.length > 0 ? (
        <ul class="cards queue" aria-label="Posts waiting for review">
          {state.items.map((item) => {
            const flagged = item.findings.filter((f) => f.severity !== 'warn').length;
            return (
              <li key={item.post.postId} class="card">
                <h2>
                  <Link href={`/console/reviews/${encodeURIComponent(item.post.postId)}`}>
                    {item.post.title}
                  </Link>
                </h2>
                <p class="muted small">
                  Version {item.post.version} · waiting since {when(item.waitingSince)}
                  {item.post.plannedFor ? ` · planned for ${when(item.post.plannedFor)}` : ''}
                  {item.post.authorEmail ? ` · by ${item.post.authorEmail}` : ''}
                </p>
                <p class="small">
                  {flagged
                    ? `${flagged} finding${flagged === 1 ? '' : 's'} to review`
                    : 'No findings to review'}
                  {item.regulatedBecause.length
                    ? ` · regulated: ${item.regulatedBecause.join('; ')}`
                    : ''}
                  {item.noEligibleReviewer ? ` · ${item.noEligibleReviewer}` : ''}
                </p>
              </li>
            );
          })}
        </ul>
      ) : null}
    </>
  );
};

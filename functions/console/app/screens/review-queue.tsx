import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { Failure, Loading, useLoad } from '../load';
import { getReviewQueue, type QueueOrder, type ReviewItem } from '../review-endpoints';
import { Link } from '../router';
import { when } from './review-text';

const QueueCard = ({ item }: { item: ReviewItem }) => {
  const flagged = item.findings.filter((f) => f.severity !== 'warn').length;
  return (
    <li class="card">
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
        {item.regulatedBecause.length ? ` · regulated: ${item.regulatedBecause.join('; ')}` : ''}
        {item.noEligibleReviewer ? ` · ${item.noEligibleReviewer}` : ''}
      </p>
    </li>
  );
};

/** What waits for legal: oldest first, or by the date marketing plans to post. */
export const ReviewQueue = () => {
  const [order, setOrder] = useState<QueueOrder>('oldest');
  const load = useLoad(() => getReviewQueue(order), [order]);
  const [busy, setBusy] = useState(false);
  const [moreFailed, setMoreFailed] = useState<ApiError>();

  // The next page follows the cursor; a page may be short and still have one, so only the
  // absence of a cursor says the queue has ended.
  const loadMore = async (items: ReviewItem[], cursor: string) => {
    setBusy(true);
    setMoreFailed(undefined);
    try {
      const next = await getReviewQueue(order, cursor);
      const seen = new Set(items.map((i) => i.post.postId));
      load.set({
        items: [...items, ...next.items.filter((i) => !seen.has(i.post.postId))],
        ...(next.cursor ? { cursor: next.cursor } : {}),
      });
    } catch (failure) {
      setMoreFailed(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };

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
              onChange={() => {
                setMoreFailed(undefined);
                setOrder(value);
              }}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <Loading load={load} what="the queue">
        {({ items, cursor }) => (
          <>
            {items.length === 0 && !cursor ? <p>Nothing waits for your review.</p> : null}
            {items.length > 0 ? (
              <ul class="cards queue" aria-label="Posts waiting for review">
                {items.map((item) => (
                  <QueueCard key={item.post.postId} item={item} />
                ))}
              </ul>
            ) : null}
            {moreFailed ? <Failure error={moreFailed} /> : null}
            {cursor ? (
              <button type="button" disabled={busy} onClick={() => loadMore(items, cursor)}>
                {busy ? 'Loading more…' : 'Load more'}
              </button>
            ) : null}
          </>
        )}
      </Loading>
    </>
  );
};

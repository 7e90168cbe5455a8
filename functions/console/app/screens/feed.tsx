import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  declineCampaign,
  type FeedItem,
  type FeedNetwork,
  type FeedNetworkName,
  getFeed,
  type RenderedText,
  shareNow,
} from '../endpoints';
import { Loading, useLoad } from '../load';
import { Link } from '../router';

export const NETWORK_LABELS: Record<FeedNetworkName, string> = {
  linkedin: 'LinkedIn',
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  sandbox: 'Sandbox',
  facebook: 'Facebook',
};

const SHARE_STATUS: Record<string, string> = {
  queued: 'on its way',
  pending: 'on its way',
  publishing: 'on its way',
  published: 'shared',
  failed: 'failed',
  skipped: 'skipped',
  awaiting_review: 'waiting for legal',
};

/** Where the employee's own wording stands: it goes out instead of the post's only when ready. */
const OWN_WORDS: Record<NonNullable<FeedNetwork['personalisation']>['status'], string> = {
  approved: 'ready — the text above is yours',
  pending_review: 'waiting for legal',
  rejected: 'not accepted by legal',
};

const when = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/** The exact text a network would receive, with the parts Chorus placed marked as such. */
export const FinalText = ({ rendered, label }: { rendered: RenderedText; label: string }) => {
  const locked = (rendered.parts ?? []).filter((part) => part.kind !== 'copy');
  const pieces: { start: number; text: string; locked: boolean }[] = [];
  let at = 0;
  for (const part of [...locked].sort((a, b) => a.start - b.start)) {
    if (part.start < at) continue;
    if (part.start > at)
      pieces.push({ start: at, text: rendered.text.slice(at, part.start), locked: false });
    pieces.push({
      start: part.start,
      text: rendered.text.slice(part.start, part.end),
      locked: true,
    });
    at = part.end;
  }
  if (at < rendered.text.length)
    pieces.push({ start: at, text: rendered.text.slice(at), locked: false });
  return (
    <figure class="final">
      <figcaption class="muted">What {label} receives</figcaption>
      <blockquote class="text">
        {pieces.map((piece) =>
          piece.locked ? (
            <mark key={piece.start} title="Placed by Chorus">
              {piece.text}
            </mark>
          ) : (
            piece.text
          ),
        )}
      </blockquote>
    </figure>
  );
};

/** One network of one post: its text and the one thing the employee can do there. */
const NetworkRow = ({
  item,
  entry,
  onShared,
}: {
  item: FeedItem;
  entry: FeedNetwork;
  onShared: () => void;
}) => {
  const label = NETWORK_LABELS[entry.network] ?? entry.network;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<ApiError>();

  const share = async (confirmed?: true) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await shareNow({
        campaignId: item.campaignId,
        network: entry.network,
        ...(confirmed ? { confirmed } : {}),
      });
      setMessage(answer.message);
      onShared();
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="network">
      <h3>{label}</h3>
      {entry.rendered ? <FinalText rendered={entry.rendered} label={label} /> : null}
      {entry.personalisation ? (
        <p class="muted">Your own words: {OWN_WORDS[entry.personalisation.status]}</p>
      ) : null}
      <div class="actions">
        {entry.action === 'share' && !message ? (
          <button type="button" class="primary" disabled={busy} onClick={() => share()}>
            Share on {label}
          </button>
        ) : null}
        {entry.rendered && entry.action !== 'shared' && entry.action !== 'declined' && !message ? (
          <Link
            class="button"
            href={`/console/personalise/${encodeURIComponent(item.campaignId)}/${entry.network}`}
          >
            Write it in my own words for {label}
          </Link>
        ) : null}
        {entry.action === 'intent' && entry.intentUrl ? (
          <>
            <a class="button" href={entry.intentUrl} target="_blank" rel="noopener noreferrer">
              Open {label} to share
            </a>
            <button type="button" disabled={busy} onClick={() => share(true)}>
              I shared it on {label}
            </button>
          </>
        ) : null}
        {entry.action === 'connect' || entry.action === 'reconnect' ? (
          <p>
            {entry.action === 'connect'
              ? `Connect your ${label} account to share here.`
              : `Your ${label} connection has expired.`}{' '}
            <Link href="/console/accounts">
              {entry.action === 'connect' ? `Connect ${label}` : `Reconnect ${label}`}
            </Link>
          </p>
        ) : null}
        {entry.autoShareAt && (entry.action === 'auto' || entry.action === 'share') ? (
          <p>
            Auto-share posts this on {label} {when(entry.autoShareAt)}
            {entry.action === 'share' ? ', unless you share it first' : ''}.
          </p>
        ) : null}
        {entry.action === 'declined' ? <p>{label}: you chose not to share this one.</p> : null}
        {entry.action === 'shared' ? (
          <p>
            {label}: {SHARE_STATUS[entry.share?.status ?? ''] ?? entry.share?.status ?? 'shared'}
          </p>
        ) : null}
      </div>
      {message ? (
        <p role="status" class="notice">
          {message}
        </p>
      ) : null}
      {error ? (
        <p role="alert" class="error">
          {error.message}
        </p>
      ) : null}
    </li>
  );
};

/** One click stops every auto-share of this post for me; nothing already posted is undone. */
const DeclineButton = ({ item, onDeclined }: { item: FeedItem; onDeclined: () => void }) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const decline = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await declineCampaign(item.campaignId);
      onDeclined();
    } catch (failure) {
      setError(asApiError(failure));
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      <button type="button" disabled={busy} onClick={() => decline()}>
        Don’t share this one
      </button>
      {error ? (
        <p role="alert" class="error">
          {error.message}
        </p>
      ) : null}
    </div>
  );
};

const FeedCard = ({ item, onShared }: { item: FeedItem; onShared: () => void }) => {
  const headingId = `post-${item.campaignId}`;
  const autoShares = item.networks.some((n) => n.autoShareAt && n.action !== 'shared');
  return (
    <li>
      <article class="card" aria-labelledby={headingId}>
        <h2 id={headingId}>{item.title}</h2>
        {item.topics.length ? (
          <ul class="tags" aria-label="Topics">
            {item.topics.map((topic) => (
              <li key={topic}>{topic}</li>
            ))}
          </ul>
        ) : null}
        {item.link ? (
          <p>
            <a href={item.link} target="_blank" rel="noopener noreferrer">
              {item.link}
            </a>
          </p>
        ) : null}
        {item.expiresAt ? <p class="muted">Share until {when(item.expiresAt)}</p> : null}
        <ul class="networks">
          {item.networks.map((entry) => (
            <NetworkRow key={entry.network} item={item} entry={entry} onShared={onShared} />
          ))}
        </ul>
        {autoShares ? <DeclineButton item={item} onDeclined={onShared} /> : null}
      </article>
    </li>
  );
};

/** What is new for me, phone first: each post, what each network would receive, one-click share. */
export const Feed = () => {
  const load = useLoad(getFeed, []);
  return (
    <>
      <h1 tabIndex={-1}>Your feed</h1>
      <Loading load={load} what="your feed">
        {({ items }) =>
          items.length === 0 ? (
            <p>Nothing new to share right now.</p>
          ) : (
            <ul class="cards">
              {items.map((item) => (
                <FeedCard key={item.campaignId} item={item} onShared={load.reload} />
              ))}
            </ul>
          )
        }
      </Loading>
    </>
  );
};

import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComplianceFinding } from '#shared/compliance/finding';
import type { KnownNetwork } from '#shared/networks/limits';
import { type ApiError, asApiError } from '../api';
import {
  type FeedItem,
  type FeedNetwork,
  getFeed,
  type RenderedText,
  shareNow,
} from '../endpoints';
import { Loading, useLoad } from '../load';
import { checkMyWords, personalise, type ShareCheck } from '../me-endpoints';
import { Link } from '../router';
import { NETWORK_LABELS } from './feed';
import { MarkedText } from './marked-text';

/** How long typing must pause before the words are checked. */
const CHECK_AFTER_MS = 400;

/** The locked parts before and after the employee's words, as the network receives them. */
const lockedAround = (rendered: RenderedText) => {
  const parts = [...rendered.parts].sort((a, b) => a.start - b.start);
  const copy = parts.find((part) => part.kind === 'copy');
  const slice = (part: { start: number; end: number }) => rendered.text.slice(part.start, part.end);
  const locked = parts.filter((part) => part.kind !== 'copy');
  return {
    words: copy ? slice(copy) : '',
    before: locked.filter((part) => copy && part.end <= copy.start).map(slice),
    after: locked.filter((part) => !copy || part.start >= copy.end).map(slice),
  };
};

const Locked = ({ texts, where }: { texts: string[]; where: string }) =>
  texts.length ? (
    <section class="locked" aria-label={`Placed by Chorus ${where} your words`}>
      {texts.map((text) => (
        <p key={text}>
          <span class="badge">Locked</span> {text}
        </p>
      ))}
    </section>
  ) : null;

type Check =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'checked'; answer: ShareCheck }
  | { kind: 'refused'; error: ApiError };

type Saved =
  | { kind: 'ready' }
  | { kind: 'waiting' }
  | { kind: 'blocked'; message: string; text: string; findings: ComplianceFinding[] };

const OUTCOME: Record<ShareCheck['outcome'], string> = {
  pass: 'No findings: ready to share as soon as you save.',
  review: 'Legal will need to review this wording before it can be shared.',
  blocked: 'This wording cannot be shared: see the findings.',
};

const OUTCOME_CLASS: Record<ShareCheck['outcome'], string> = {
  pass: 'ok',
  review: 'pending',
  blocked: 'error',
};

const fieldMessages = (error: ApiError) =>
  Array.isArray(error.detail.fields)
    ? (error.detail.fields as { message?: unknown }[])
        .map((field) => (typeof field.message === 'string' ? field.message : ''))
        .filter(Boolean)
    : [];

/** My own words for one network, the locked parts around them, checked as I type. */
const Editor = ({
  item,
  entry,
}: {
  item: FeedItem;
  entry: FeedNetwork & { rendered: RenderedText };
}) => {
  const network = entry.network as KnownNetwork;
  const label = NETWORK_LABELS[entry.network] ?? entry.network;
  const { before, after, words } = lockedAround(entry.rendered);
  const [text, setText] = useState(entry.personalisation?.ownText ?? words);
  const [check, setCheck] = useState<Check>({ kind: 'idle' });
  const [saved, setSaved] = useState<Saved | undefined>(
    entry.personalisation?.status === 'pending_review' ? { kind: 'waiting' } : undefined,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [shared, setShared] = useState<string>();
  const latest = useRef(0);

  useEffect(() => {
    const words = text.trim();
    if (!words) {
      setCheck({ kind: 'idle' });
      return;
    }
    const ask = ++latest.current;
    setCheck({ kind: 'checking' });
    const timer = setTimeout(() => {
      checkMyWords(item.postId, network, words).then(
        (answer) => ask === latest.current && setCheck({ kind: 'checked', answer }),
        (failure: unknown) =>
          ask === latest.current && setCheck({ kind: 'refused', error: asApiError(failure) }),
      );
    }, CHECK_AFTER_MS);
    return () => clearTimeout(timer);
  }, [text, item.postId, network]);

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setShared(undefined);
    try {
      const answer = await personalise(item.postId, network, text.trim());
      setSaved({ kind: answer.personalisation.status === 'approved' ? 'ready' : 'waiting' });
    } catch (failure) {
      const refusal = asApiError(failure);
      if (refusal.status === 422 && Array.isArray(refusal.detail.findings)) {
        setSaved({
          kind: 'blocked',
          message: refusal.message,
          text: typeof refusal.detail.text === 'string' ? refusal.detail.text : text,
          findings: refusal.detail.findings as ComplianceFinding[],
        });
      } else {
        setSaved(undefined);
        setError(refusal);
      }
    } finally {
      setBusy(false);
    }
  };

  const share = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setShared((await shareNow({ campaignId: item.campaignId, network: entry.network })).message);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} class="card personalise">
      <Locked texts={before} where="before" />
      <label for="my-words">My words for {label}</label>
      <textarea
        id="my-words"
        rows={6}
        value={text}
        aria-describedby="my-words-hint"
        onInput={(event) => {
          setText(event.currentTarget.value);
          setSaved(undefined);
        }}
      />
      <p id="my-words-hint" class="muted">
        Write only your own words: Chorus adds the locked parts and your tracked link.
      </p>
      <Locked texts={after} where="after" />

      <section aria-label="Live check" aria-live="polite" class="check">
        {check.kind === 'checking' ? <p class="muted">Checking…</p> : null}
        {check.kind === 'checked' ? (
          <>
            <p class={OUTCOME_CLASS[check.answer.outcome]}>{OUTCOME[check.answer.outcome]}</p>
            <MarkedText
              text={check.answer.rendered.text}
              findings={check.answer.findings}
              label={`What ${label} would receive`}
            />
          </>
        ) : null}
        {check.kind === 'refused' ? (
          <div class="error">
            <p>{check.error.message}</p>
            <ul>
              {fieldMessages(check.error).map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !text.trim()}>
          Save my words
        </button>
        {saved?.kind === 'ready' && !shared ? (
          <button type="button" disabled={busy} onClick={share}>
            Share on {label}
          </button>
        ) : null}
      </div>

      {saved?.kind === 'ready' ? (
        <p role="status" class="notice ok">
          Ready to share: your words go out as shown.
        </p>
      ) : null}
      {saved?.kind === 'waiting' ? (
        <p role="status" class="notice">
          Waiting for legal: your wording needs their review before you can share it. The post’s own
          text stays available in your feed.
        </p>
      ) : null}
      {saved?.kind === 'blocked' ? (
        <div role="alert" class="error">
          <p>Blocked: {saved.message}</p>
          <MarkedText text={saved.text} findings={saved.findings} label="Where the problems are" />
        </div>
      ) : null}
      {shared ? (
        <p role="status" class="notice">
          {shared}
        </p>
      ) : null}
      {error && error.code !== 'signing_in' ? (
        <div role="alert" class="error">
          <p>{error.message}</p>
          <ul>
            {fieldMessages(error).map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
};

type Found = { item: FeedItem; entry: FeedNetwork & { rendered: RenderedText } } | undefined;

/** /console/personalise/{campaignId}/{network}: one post of my feed, in my own words. */
export const Personalise = ({ campaignId, network }: { campaignId: string; network: string }) => {
  const load = useLoad(
    () =>
      getFeed().then((feed): Found => {
        const item = feed.items.find((i) => i.campaignId === campaignId);
        const entry = item?.networks.find((n) => n.network === network);
        return item && entry?.rendered
          ? { item, entry: { ...entry, rendered: entry.rendered } }
          : undefined;
      }),
    [campaignId, network],
  );
  const label = NETWORK_LABELS[network as FeedNetwork['network']] ?? network;

  return (
    <>
      <h1 tabIndex={-1}>In my own words</h1>
      <p>
        <Link href="/console/feed">Back to your feed</Link>
      </p>
      <Loading load={load} what="the post">
        {(found) =>
          found ? (
            <>
              <h2>
                {found.item.title} on {label}
              </h2>
              <Editor item={found.item} entry={found.entry} />
            </>
          ) : (
            <p>This post is no longer in your feed for {label}.</p>
          )
        }
      </Loading>
    </>
  );
};

import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  type AuditEntry,
  type AuditPage,
  type AuditSearch,
  type StreamVerification,
  searchAudit,
  verifyStream,
} from '../audit-endpoints';
import { changeSummary, type Form, searchOf } from '../audit-search';
import { Failure } from '../load';
import { Link } from '../router';
import { when } from './review-text';

const actorName = (actor: string, email: string | undefined) =>
  actor.startsWith('system:')
    ? `Chorus (${actor.slice('system:'.length)})`
    : (email ?? `user ${actor}`);

const EntryRow = ({ entry, email }: { entry: AuditEntry; email: string | undefined }) => {
  const changes = changeSummary(entry.before, entry.after);
  const { postId, version } = entry.subject;
  return (
    <li class="card">
      <h3>{entry.action.replace(/[._]/g, ' ')}</h3>
      <p class="muted small">
        {actorName(entry.actor, email)} · {when(entry.at)} · {entry.stream} entry {entry.seq}
        {postId ? (
          <>
            {' · '}
            <Link href={`/console/reviews/${encodeURIComponent(postId)}`}>post {postId}</Link>
          </>
        ) : null}
        {version ? ` version ${version}` : ''}
      </p>
      {changes.length ? (
        <ul class="small" aria-label="What changed">
          {changes.map((change) => (
            <li key={change}>{change}</li>
          ))}
        </ul>
      ) : null}
    </li>
  );
};

const checked = (r: StreamVerification) =>
  `${r.stream}, ${r.entries} ${r.entries === 1 ? 'entry' : 'entries'} checked${
    r.complete ? '' : ' (the first part of a longer stream)'
  }`;

type Verified = { kind: 'checking' } | { kind: 'done'; results: StreamVerification[] };

/** Runs the API's chain check for each stream on the page and says plainly whether it holds. */
const VerifyChain = ({ streams }: { streams: string[] }) => {
  const [verified, setVerified] = useState<Verified>();
  const [error, setError] = useState<ApiError>();
  const verify = async () => {
    setVerified({ kind: 'checking' });
    setError(undefined);
    try {
      const results: StreamVerification[] = [];
      for (const stream of streams) results.push(await verifyStream(stream));
      setVerified({ kind: 'done', results });
    } catch (failure) {
      setVerified(undefined);
      setError(asApiError(failure));
    }
  };
  const broken = verified?.kind === 'done' ? verified.results.filter((r) => !r.holds) : [];
  return (
    <section aria-labelledby="verify-heading" class="card">
      <h2 id="verify-heading">Is this record intact?</h2>
      <p class="small muted">
        Each entry carries the hash of the one before it in its chain; an edited, removed or
        reordered entry breaks the chain.
      </p>
      <button type="button" disabled={verified?.kind === 'checking'} onClick={verify}>
        Verify chain
      </button>
      {verified?.kind === 'checking' ? <p role="status">Checking…</p> : null}
      {verified?.kind === 'done' && broken.length === 0 ? (
        <p role="status" class="notice">
          The chain holds: {verified.results.map(checked).join('; ')}.
        </p>
      ) : null}
      {broken.length ? (
        <div role="alert" class="error">
          <p>
            <strong>The chain is broken.</strong>
          </p>
          <ul>
            {broken.map((r) => (
              <li key={r.stream}>
                {r.stream}: at entry {r.broken?.seq}, {r.broken?.problem}.
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? <Failure error={error} /> : null}
    </section>
  );
};

type Results =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; page: AuditPage; search: AuditSearch; more: boolean }
  | { kind: 'failed'; error: ApiError };

/** The audit log searched by post, by person (email) and by date; each chain verifiable. */
export const Audit = () => {
  const start = new URLSearchParams(location.search);
  const [form, setForm] = useState<Form>({
    postId: start.get('post') ?? '',
    email: start.get('email') ?? '',
    from: '',
    to: '',
  });
  const [results, setResults] = useState<Results>({ kind: 'idle' });
  const [moreFailed, setMoreFailed] = useState<ApiError>();

  const search = async (event: Event) => {
    event.preventDefault();
    const asked = searchOf(form);
    setResults({ kind: 'loading' });
    setMoreFailed(undefined);
    try {
      setResults({ kind: 'ready', page: await searchAudit(asked), search: asked, more: false });
    } catch (failure) {
      setResults({ kind: 'failed', error: asApiError(failure) });
    }
  };
  const loadMore = async (done: Extract<Results, { kind: 'ready' }>) => {
    setResults({ ...done, more: true });
    setMoreFailed(undefined);
    try {
      // The next page names the same range the API read for the first.
      const { page, search: asked } = done;
      const next = await searchAudit({
        ...asked,
        from: page.from,
        to: page.to,
        cursor: page.cursor,
      });
      setResults({
        kind: 'ready',
        search: asked,
        more: false,
        page: { ...next, entries: [...page.entries, ...next.entries] },
      });
    } catch (failure) {
      setResults({ ...done, more: false });
      setMoreFailed(asApiError(failure));
    }
  };
  const field = (name: keyof Form) => ({
    value: form[name],
    onInput: (event: { currentTarget: HTMLInputElement }) =>
      setForm({ ...form, [name]: event.currentTarget.value }),
  });

  return (
    <>
      <h1 tabIndex={-1}>Audit log</h1>
      <form class="card audit-search" onSubmit={search}>
        <label for="audit-post">Post id</label>
        <input id="audit-post" maxLength={100} {...field('postId')} />
        <label for="audit-email">Person’s email</label>
        <input id="audit-email" type="email" maxLength={254} {...field('email')} />
        <label for="audit-from">From</label>
        <input id="audit-from" type="date" {...field('from')} />
        <label for="audit-to">To</label>
        <input id="audit-to" type="date" {...field('to')} />
        <p class="small muted">
          Without a post or a person, the log is read for at most a month (the last week if no dates
          are given).
        </p>
        <div>
          <button type="submit" class="primary" disabled={results.kind === 'loading'}>
            Search
          </button>
        </div>
      </form>
      {results.kind === 'loading' ? <p role="status">Searching the audit log…</p> : null}
      {results.kind === 'failed' ? <Failure error={results.error} /> : null}
      {results.kind === 'ready' ? (
        <>
          <p>
            {results.page.entries.length} {results.page.entries.length === 1 ? 'entry' : 'entries'}{' '}
            from {when(results.page.from)} to {when(results.page.to)}
            {results.page.cursor ? ', and more' : ''}.
          </p>
          {results.page.entries.length ? (
            <>
              <VerifyChain
                key={results.page.entries.length}
                streams={[...new Set(results.page.entries.map((e) => e.stream))]}
              />
              <ol class="cards" aria-label="Audit entries">
                {results.page.entries.map((entry) => (
                  <EntryRow
                    key={`${entry.stream}-${entry.seq}`}
                    entry={entry}
                    email={results.search.email}
                  />
                ))}
              </ol>
            </>
          ) : (
            <p>Nothing on the record matches.</p>
          )}
          {moreFailed ? <Failure error={moreFailed} /> : null}
          {results.page.cursor ? (
            <button type="button" disabled={results.more} onClick={() => loadMore(results)}>
              {results.more ? 'Loading more…' : 'Load more entries'}
            </button>
          ) : null}
        </>
      ) : null}
    </>
  );
};

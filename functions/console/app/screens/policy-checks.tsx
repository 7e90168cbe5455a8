import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  dryRunPolicy,
  getImpact,
  type ImpactAnswer,
  type ImpactedPost,
  type PolicyDraft,
  startImpact,
} from '../policy-endpoints';
import { MarkedText } from './marked-text';
import { NETWORK_LABELS, networkLabel, when } from './review-text';

/** A failed check: field issues go to the form (`onIssues`), anything else is shown here. */
const failure = (error: ApiError, onIssues: (fields: unknown) => void) => {
  if (error.status === 400 && error.detail.fields) onIssues(error.detail.fields);
  return error.code === 'signing_in' ? undefined : error.message;
};

const Failure = ({ message }: { message: string | undefined }) =>
  message ? (
    <p role="alert" class="error">
      {message}
    </p>
  ) : null;

/** Checks any text against the draft as edited: nothing is saved. */
export const DryRun = ({
  draft,
  version,
  onIssues,
}: {
  draft: PolicyDraft;
  version: number;
  onIssues: (fields: unknown) => void;
}) => {
  const [text, setText] = useState('');
  const [network, setNetwork] = useState('linkedin');
  const [topics, setTopics] = useState('');
  const [jurisdiction, setJurisdiction] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Awaited<ReturnType<typeof dryRunPolicy>>>();
  const [problem, setProblem] = useState<string>();
  const check = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const list = topics
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const checked = await dryRunPolicy(draft, version, {
        text,
        network,
        topics: list,
        ...(jurisdiction.trim() ? { jurisdiction: jurisdiction.trim().toUpperCase() } : {}),
      });
      // The draft is valid as it stands: no field keeps an old complaint.
      onIssues([]);
      setAnswer(checked);
    } catch (error) {
      setAnswer(undefined);
      setProblem(failure(asApiError(error), onIssues));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="dry-run-heading" class="rules">
      <h2 id="dry-run-heading">Dry run against this draft</h2>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          check();
        }}
      >
        <label for="dry-run-text">Text to check</label>
        <textarea
          id="dry-run-text"
          required
          maxLength={5000}
          rows={3}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <div class="row">
          <div class="field">
            <label for="dry-run-network">Network</label>
            <select
              id="dry-run-network"
              value={network}
              onChange={(e) => setNetwork(e.currentTarget.value)}
            >
              {Object.keys(NETWORK_LABELS)
                .filter((n) => n !== 'facebook')
                .map((n) => (
                  <option key={n} value={n}>
                    {networkLabel(n)}
                  </option>
                ))}
            </select>
          </div>
          <div class="field">
            <label for="dry-run-topics">Topics</label>
            <input
              id="dry-run-topics"
              type="text"
              value={topics}
              onInput={(e) => setTopics(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="dry-run-jurisdiction">Reader’s jurisdiction</label>
            <input
              id="dry-run-jurisdiction"
              type="text"
              maxLength={2}
              value={jurisdiction}
              onInput={(e) => setJurisdiction(e.currentTarget.value)}
            />
          </div>
        </div>
        <div>
          <button type="submit" class="primary" disabled={busy || !text.trim()}>
            Check against the draft
          </button>
        </div>
      </form>
      <Failure message={problem} />
      <div aria-live="polite">
        {answer ? (
          <>
            <p role="status">
              Under this draft the text{' '}
              {answer.outcome === 'pass'
                ? 'passes'
                : answer.outcome === 'review'
                  ? 'goes to legal'
                  : 'is blocked'}
              .
            </p>
            <MarkedText
              text={answer.rendered.text}
              findings={answer.rendered.findings}
              label={`As ${networkLabel(answer.rendered.network)} would receive it`}
            />
          </>
        ) : null}
      </div>
    </section>
  );
};

const PHASES: Record<NonNullable<ImpactAnswer['impact']>['phase'], string> = {
  directory: 'Reading the directory for recipients’ jurisdictions',
  approved: 'Checking approved posts',
  scheduledPosts: 'Checking posts already sent by a campaign',
  campaigns: 'Checking scheduled campaigns',
};

const places = (list: readonly (string | null)[]) =>
  list.length ? list.map((j) => j ?? 'no jurisdiction recorded').join(', ') : 'nobody yet';

const BlockedPost = ({ post }: { post: ImpactedPost }) => (
  <li>
    <article aria-labelledby={`impact-${post.postId}-${post.campaignId ?? ''}`}>
      <h3 id={`impact-${post.postId}-${post.campaignId ?? ''}`}>{post.title}</h3>
      <p class="muted small">
        {post.scheduledAt
          ? `Scheduled campaign, goes out ${when(post.scheduledAt)}`
          : post.status === 'scheduled'
            ? 'Approved, already sent by a campaign'
            : 'Approved'}{' '}
        · recipients in {places(post.jurisdictions)}
      </p>
      {post.renderings.map((r) => (
        <MarkedText
          key={`${r.variant}-${r.network}-${r.jurisdictions.join()}`}
          text={r.text}
          findings={r.findings}
          label={`Variant ${r.variant + 1} on ${networkLabel(r.network)}, for readers in ${places(r.jurisdictions)}`}
        />
      ))}
      {post.renderingsTruncated ? (
        <p class="muted small">More texts of this post are blocked too.</p>
      ) : null}
    </article>
  </li>
);

/** Runs the impact job for the draft, follows it, and lists what it would block. */
export const Impact = ({
  draft,
  version,
  onIssues,
}: {
  draft: PolicyDraft;
  version: number;
  onIssues: (fields: unknown) => void;
}) => {
  const [answer, setAnswer] = useState<ImpactAnswer>();
  const [problem, setProblem] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const follow = (jobId: string) => {
    timer.current = setTimeout(async () => {
      try {
        const next = await getImpact(jobId);
        setAnswer(next);
        if (next.job.state !== 'done') follow(jobId);
      } catch (error) {
        setProblem(failure(asApiError(error), onIssues));
      }
    }, 800);
  };
  const start = async () => {
    clearTimeout(timer.current);
    setProblem(undefined);
    setAnswer(undefined);
    try {
      const started = await startImpact(draft, version);
      onIssues([]);
      setAnswer(started);
      follow(started.job.jobId);
    } catch (error) {
      setProblem(failure(asApiError(error), onIssues));
    }
  };
  const impact = answer?.impact;
  const running = answer !== undefined && answer.job.state !== 'done';
  return (
    <section aria-labelledby="impact-heading" class="rules">
      <h2 id="impact-heading">Impact on approved and scheduled posts</h2>
      <p class="muted small">
        Checks every approved post and scheduled campaign against this draft, each text as each
        network would receive it, for its recipients’ jurisdictions.
      </p>
      <button type="button" onClick={start} disabled={running}>
        Check impact
      </button>
      <Failure message={problem} />
      {impact && running ? (
        <div role="status">
          <p>
            {PHASES[impact.phase]}… {impact.postsChecked} posts and {impact.campaignsChecked}{' '}
            campaigns checked.
          </p>
          <progress
            aria-label="Impact check progress"
            max={impact.shardsTotal + 3}
            value={
              impact.phase === 'directory'
                ? impact.shardsDone
                : impact.shardsTotal + (impact.phase === 'approved' ? 0 : 1)
            }
          />
        </div>
      ) : null}
      {impact && !running ? (
        <>
          <p role="status">
            {impact.blockedCount === 0
              ? `Nothing would be blocked: ${impact.postsChecked} approved posts and ${impact.campaignsChecked} scheduled campaigns checked.`
              : `${impact.blockedCount} would be blocked${impact.truncated ? `; the first ${impact.blocked.length} are listed` : ''}.`}
          </p>
          {impact.blocked.length ? (
            <ul class="impact" aria-label="Posts the draft would block">
              {impact.blocked.map((post) => (
                <BlockedPost key={`${post.postId}-${post.campaignId ?? ''}`} post={post} />
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
};

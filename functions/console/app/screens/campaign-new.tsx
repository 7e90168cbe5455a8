import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  type CampaignMode,
  createCampaign,
  getPost,
  getPreview,
  listApprovedPosts,
  NETWORKS,
  type NetworkName,
  type PostView,
  type PreviewAnswer,
  startPreview,
} from '../campaign-endpoints';
import { Failure, Loading, useLoad } from '../load';
import { Link, navigate } from '../router';
import { BlockedTexts, EXCLUSIONS, usd } from './campaign-parts';
import { networkLabel, when } from './review-text';

const SCHEDULABLE = ['approved', 'scheduled'];

/** The networks the post has copy for: a variant written for it, or one written for every network. */
const networksWithCopy = (post: PostView): NetworkName[] =>
  NETWORKS.filter((network) =>
    post.variants.some((v) => !v.networks || v.networks.includes(network)),
  );

/** `datetime-local` wants the local time without zone: five minutes from now, to the minute. */
const soon = () => {
  const at = new Date(Date.now() + 5 * 60_000);
  at.setSeconds(0, 0);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Picks an approved post when the page was opened without one. */
const PostPicker = ({ onPick }: { onPick: (postId: string) => void }) => {
  const load = useLoad(listApprovedPosts, []);
  return (
    <Loading load={load} what="approved posts">
      {({ posts }) =>
        posts.length === 0 ? (
          <p>No post is approved yet: a campaign sends an approved post.</p>
        ) : (
          <ul class="cards" aria-label="Approved posts">
            {posts.map((post) => (
              <li key={post.postId} class="card">
                <a
                  href={`/console/campaigns/new?post=${encodeURIComponent(post.postId)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    onPick(post.postId);
                  }}
                >
                  {post.title}
                </a>
              </li>
            ))}
          </ul>
        )
      }
    </Loading>
  );
};

const PreviewResult = ({ preview }: { preview: NonNullable<PreviewAnswer['preview']> }) => {
  const { budget, compliance } = preview;
  const left =
    budget.monthlyBudgetUsd === null ? null : budget.monthlyBudgetUsd - budget.committedUsd;
  return (
    <section aria-labelledby="preview-result" class="preview">
      <h2 id="preview-result">Who receives it</h2>
      <ul class="cards" aria-label="Recipients per network">
        {preview.networks.map((n) => {
          const excluded = Object.entries(n.excluded).filter(([, count]) => count > 0);
          return (
            <li key={n.network} class="card">
              <h3>{networkLabel(n.network)}</h3>
              <p>
                <strong>
                  {n.recipients} recipient{n.recipients === 1 ? '' : 's'}
                </strong>{' '}
                on {networkLabel(n.network)} · fees {usd(n.costUsd)}
              </p>
              {excluded.length ? (
                <>
                  <p class="small">Who will not receive it, and why:</p>
                  <ul class="small">
                    {excluded.map(([reason, count]) => (
                      <li key={reason}>
                        {count} · {EXCLUSIONS[reason] ?? reason.replaceAll('_', ' ')}
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p class="small">Everyone in the post’s segments receives it here.</p>
              )}
            </li>
          );
        })}
      </ul>
      <p>
        Network fees: <strong>{usd(preview.costUsd)}</strong> for {budget.month}
        {left === null
          ? ' (no monthly budget set)'
          : `, against ${usd(left)} left of the month’s ${usd(budget.monthlyBudgetUsd ?? 0)} budget`}
        {left !== null && preview.costUsd > left
          ? ' — over budget: some shares will not be sent'
          : ''}
        .
      </p>
      {preview.sample.length ? (
        <details>
          <summary>Some of the recipients</summary>
          <ul class="small">
            {preview.sample.map((person) => (
              <li key={person.employeeId}>
                {person.name}
                {person.department ? ` (${person.department})` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <h2>Compliance</h2>
      <p class={compliance.verdict === 'passes' ? 'ok' : 'error'}>
        {compliance.verdict === 'passes'
          ? `The compliance policy in force (version ${compliance.policyVersion}) passes every text this campaign would send.`
          : compliance.verdict === 'blocks_all'
            ? `The compliance policy in force (version ${compliance.policyVersion}) blocks every text this campaign would send: every share would fail. Change the post or ask legal.`
            : `The compliance policy in force (version ${compliance.policyVersion}) blocks some texts: those shares would fail.`}
      </p>
      {compliance.renderings.length ? (
        <BlockedTexts renderings={compliance.renderings} truncated={compliance.truncated} />
      ) : null}
    </section>
  );
};

const ScheduleForm = ({ post }: { post: PostView }) => {
  const withCopy = networksWithCopy(post);
  const [networks, setNetworks] = useState<NetworkName[]>(
    withCopy.includes('sandbox') ? ['sandbox'] : withCopy.slice(0, 1),
  );
  const [at, setAt] = useState(soon);
  const [stagger, setStagger] = useState(60);
  const [mode, setMode] = useState<CampaignMode>('auto');
  const [answer, setAnswer] = useState<PreviewAnswer>();
  const [problem, setProblem] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  // What the preview answered for is no longer what would be scheduled.
  const changed = () => {
    clearTimeout(timer.current);
    setAnswer(undefined);
    setProblem(undefined);
  };
  const follow = (jobId: string) => {
    timer.current = setTimeout(async () => {
      try {
        const next = await getPreview(jobId);
        setAnswer(next);
        if (next.job.state !== 'done') follow(jobId);
      } catch (error) {
        setProblem(asApiError(error));
      }
    }, 400);
  };
  const scheduledAt = () => new Date(at).toISOString();
  const preview = async () => {
    changed();
    try {
      const started = await startPreview({
        postId: post.postId,
        networks,
        scheduledAt: scheduledAt(),
      });
      setAnswer(started);
      follow(started.job.jobId);
    } catch (error) {
      setProblem(asApiError(error));
    }
  };
  const schedule = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const { campaign } = await createCampaign({
        postId: post.postId,
        networks,
        scheduledAt: scheduledAt(),
        staggerMinutes: stagger,
        mode,
      });
      navigate(`/console/campaigns/${encodeURIComponent(campaign.campaignId)}`);
    } catch (error) {
      setProblem(asApiError(error));
      setBusy(false);
    }
  };
  const done = answer?.job.state === 'done' ? answer.preview : undefined;
  const running = answer !== undefined && !done;
  const blocked = done?.compliance.verdict === 'blocks_all';

  return (
    <form
      class="stack schedule"
      onSubmit={(event) => {
        event.preventDefault();
        preview();
      }}
    >
      <fieldset>
        <legend>Networks</legend>
        {NETWORKS.map((network) => (
          <label key={network} class="check">
            <input
              type="checkbox"
              name="network"
              value={network}
              disabled={!withCopy.includes(network)}
              checked={networks.includes(network)}
              onChange={(event) => {
                changed();
                const on = (event.target as HTMLInputElement).checked;
                setNetworks(on ? [...networks, network] : networks.filter((n) => n !== network));
              }}
            />{' '}
            {networkLabel(network)}
            {withCopy.includes(network) ? '' : ' (no copy for it)'}
          </label>
        ))}
      </fieldset>
      <label class="campaign-field">
        Time
        <input
          type="datetime-local"
          required
          value={at}
          onInput={(event) => {
            changed();
            setAt((event.target as HTMLInputElement).value);
          }}
        />
      </label>
      <label class="campaign-field">
        Stagger window (minutes)
        <input
          type="number"
          min={0}
          max={1440}
          required
          value={stagger}
          onInput={(event) => setStagger(Number((event.target as HTMLInputElement).value))}
        />
      </label>
      <p class="muted small">Shares are spread over this window after the start.</p>
      <fieldset class="toggle">
        <legend>Mode</legend>
        {(
          [
            ['auto', 'Auto-share for those who opted in'],
            ['suggest', 'Suggest in everyone’s feed'],
            ['both', 'Both'],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="mode"
              value={value}
              checked={mode === value}
              onChange={() => setMode(value)}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={running || networks.length === 0}>
          Preview
        </button>
        <button
          type="button"
          class="primary"
          disabled={!done || blocked || busy}
          onClick={schedule}
        >
          {busy ? 'Scheduling…' : 'Schedule'}
        </button>
      </div>
      {!done && !running ? (
        <p class="muted small">
          Preview first: who receives it, the fees and the compliance check.
        </p>
      ) : null}
      {running ? (
        <div role="status">
          <p>Working out who receives it… {answer?.preview?.employeesRead ?? 0} employees read.</p>
          <progress
            aria-label="Preview progress"
            max={answer?.preview?.shardsTotal ?? 1}
            value={answer?.preview?.shardsDone ?? 0}
          />
        </div>
      ) : null}
      {problem ? <Failure error={problem} /> : null}
      {done ? <PreviewResult preview={done} /> : null}
    </form>
  );
};

/** Schedule a campaign from an approved post: choose, preview, then schedule. */
export const CampaignNew = () => {
  const [postId, setPostId] = useState(
    () => new URLSearchParams(location.search).get('post') ?? '',
  );
  // The path stays the same, so the choice is this page's state, and the address follows it.
  const pick = (id: string) => {
    history.pushState(null, '', `/console/campaigns/new?post=${encodeURIComponent(id)}`);
    setPostId(id);
  };
  const load = useLoad(() => (postId ? getPost(postId) : Promise.resolve(undefined)), [postId]);
  return (
    <>
      <h1 tabIndex={-1}>Schedule a campaign</h1>
      <p>
        <Link href="/console/campaigns">All campaigns</Link>
      </p>
      {postId ? (
        <Loading load={load} what="the post">
          {(answer) =>
            answer && SCHEDULABLE.includes(answer.post.status) ? (
              <>
                <p>
                  Post: <strong>{answer.post.title}</strong> (version {answer.post.version}
                  {answer.post.expiresAt ? `, expires ${when(answer.post.expiresAt)}` : ''})
                </p>
                <ScheduleForm post={answer.post} />
              </>
            ) : (
              <p role="alert" class="error">
                This post is {answer?.post.status.replaceAll('_', ' ')}: only approved posts can be
                scheduled.
              </p>
            )
          }
        </Loading>
      ) : (
        <PostPicker onPick={pick} />
      )}
    </>
  );
};

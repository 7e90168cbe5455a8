import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  type CampaignAnswer,
  cancelCampaign,
  getCampaign,
  getPost,
  listShareIssues,
  rescheduleCampaign,
  resolveShare,
  type ShareIssue,
} from '../campaign-endpoints';
import { Failure, Loading, useLoad } from '../load';
import { Link } from '../router';
import { EXCLUSIONS } from './campaign-parts';
import { STATUS_LABELS } from './campaigns';
import { networkLabel, when } from './review-text';

/** How often the page asks again while the campaign runs. */
const POLL_MS = 1500;

const OUTCOMES = ['published', 'pending', 'failed', 'skipped', 'unknown'] as const;

/** Still moving: not yet sent, or sent and shares still to end. */
const running = ({ campaign, fanOut, outcomes }: CampaignAnswer) =>
  campaign.status === 'scheduled' ||
  (campaign.status === 'dispatched' &&
    (outcomes.pending > 0 ||
      fanOut.slices.length === 0 ||
      fanOut.slicesDone < fanOut.slices.length));

const localInput = (iso: string) => {
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Say what became of one unknown or failed share: published (with its link) or not. */
const ResolveForm = ({ share, onDone }: { share: ShareIssue; onDone: () => void }) => {
  const [outcome, setOutcome] = useState<'published' | 'not_published'>('published');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const id = `resolve-${share.shareId}`;
  return (
    <form
      class="stack resolve"
      aria-label={`Resolve ${share.employeeName}’s share`}
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setProblem(undefined);
        try {
          await resolveShare(
            share.shareId,
            outcome === 'published'
              ? { outcome, postUrl: value.trim() }
              : { outcome, note: value.trim() },
          );
          onDone();
        } catch (error) {
          setProblem(asApiError(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <fieldset class="toggle">
        <legend>What became of it</legend>
        <label>
          <input
            type="radio"
            name={`${id}-outcome`}
            checked={outcome === 'published'}
            onChange={() => setOutcome('published')}
          />{' '}
          Published
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-outcome`}
            checked={outcome === 'not_published'}
            onChange={() => setOutcome('not_published')}
          />{' '}
          Not published
        </label>
      </fieldset>
      {outcome === 'published' ? (
        <label class="campaign-field">
          Link to the post
          <input
            type="url"
            required
            value={value}
            onInput={(event) => setValue((event.target as HTMLInputElement).value)}
          />
        </label>
      ) : (
        <label class="campaign-field">
          Note
          <input
            type="text"
            required
            value={value}
            onInput={(event) => setValue((event.target as HTMLInputElement).value)}
          />
        </label>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Resolving…' : 'Resolve'}
      </button>
      {problem ? <Failure error={problem} /> : null}
    </form>
  );
};

/** The unknown and failed shares still waiting for a person, each resolvable here. */
const ShareIssues = ({ campaignId, waiting }: { campaignId: string; waiting: number }) => {
  const load = useLoad(
    () =>
      Promise.all([
        listShareIssues(campaignId, 'unknown'),
        listShareIssues(campaignId, 'failed'),
      ]).then(([unknown, failed]) => [...unknown.shares, ...failed.shares]),
    [campaignId, waiting],
  );
  return (
    <section aria-labelledby="issues-heading">
      <h2 id="issues-heading">Shares to resolve</h2>
      <Loading load={load} what="the shares to resolve">
        {(shares) =>
          shares.length === 0 ? (
            <p>Nothing waits for you.</p>
          ) : (
            <ul class="cards" aria-label="Shares to resolve">
              {shares.map((share) => (
                <li key={share.shareId} class="card">
                  <h3>
                    {share.employeeName} · {networkLabel(share.network)}
                  </h3>
                  <p class="small">
                    {share.status === 'unknown' ? 'Outcome unknown' : 'Failed'}
                    {share.reason ? ` (${share.reason.replaceAll('_', ' ')})` : ''}
                    {share.detail ? `: ${share.detail}` : ''} · {when(share.startedAt)}
                  </p>
                  <p class="campaign-fix">{share.fix}</p>
                  <ResolveForm share={share} onDone={load.reload} />
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </section>
  );
};

/** Reschedule (before it goes out) and cancel. */
const Controls = ({ answer, onChange }: { answer: CampaignAnswer; onChange: () => void }) => {
  const { campaign } = answer;
  const [at, setAt] = useState(() => localInput(campaign.scheduledAt));
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<ApiError>();
  const act = async (action: () => Promise<unknown>) => {
    setProblem(undefined);
    try {
      await action();
      setConfirming(false);
      onChange();
    } catch (error) {
      setProblem(asApiError(error));
    }
  };
  if (campaign.status === 'cancelled') return null;
  return (
    <section aria-labelledby="controls-heading" class="stack">
      <h2 id="controls-heading">Change it</h2>
      {campaign.status === 'scheduled' ? (
        <form
          class="actions"
          onSubmit={(event) => {
            event.preventDefault();
            act(() => rescheduleCampaign(campaign.campaignId, new Date(at).toISOString()));
          }}
        >
          <label class="campaign-field">
            New time
            <input
              type="datetime-local"
              required
              value={at}
              onInput={(event) => setAt((event.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">Reschedule</button>
        </form>
      ) : null}
      {confirming ? (
        <div class="actions">
          <span>
            {campaign.status === 'scheduled'
              ? 'Nothing will go out.'
              : 'Shares not made yet will be skipped.'}
          </span>
          <button
            type="button"
            class="danger"
            onClick={() => act(() => cancelCampaign(campaign.campaignId))}
          >
            Yes, cancel the campaign
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Cancel campaign
        </button>
      )}
      {problem ? <Failure error={problem} /> : null}
    </section>
  );
};

const Outcomes = ({ answer }: { answer: CampaignAnswer }) => {
  const { outcomes, fanOut } = answer;
  const excluded = Object.entries(fanOut.excluded).filter(([, n]) => n > 0);
  const networks = Object.entries(outcomes.byNetwork);
  const waiting = outcomes.awaitingResolution.unknown + outcomes.awaitingResolution.failed;
  return (
    <>
      <section aria-labelledby="outcomes-heading">
        <h2 id="outcomes-heading">Shares</h2>
        <p role="status" class="small">
          {OUTCOMES.map((outcome) => `${outcomes[outcome]} ${outcome}`).join(', ')}
        </p>
        <dl class="stats outcomes">
          {OUTCOMES.map((outcome) => (
            <div key={outcome} class={`stat ${outcome}`}>
              <dt>{outcome}</dt>
              <dd>{outcomes[outcome]}</dd>
            </div>
          ))}
        </dl>
        {waiting > 0 ? (
          <p>
            {outcomes.awaitingResolution.unknown} unknown and {outcomes.awaitingResolution.failed}{' '}
            failed wait for you to resolve them (below).
          </p>
        ) : null}
        {outcomes.resolved.published + outcomes.resolved.notPublished > 0 ? (
          <p class="small muted">
            Resolved by a person: {outcomes.resolved.published} as published,{' '}
            {outcomes.resolved.notPublished} as not published.
          </p>
        ) : null}
        {networks.length > 1 ? (
          <table class="rows">
            <caption>By network</caption>
            <thead>
              <tr>
                <th scope="col">Network</th>
                <th scope="col">Published</th>
                <th scope="col">Failed</th>
                <th scope="col">Skipped</th>
                <th scope="col">Unknown</th>
              </tr>
            </thead>
            <tbody>
              {networks.map(([network, n]) => (
                <tr key={network}>
                  <th scope="row">{networkLabel(network)}</th>
                  <td>{n.published}</td>
                  <td>{n.failed}</td>
                  <td>{n.skipped}</td>
                  <td>{n.unknown}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {excluded.length ? (
          <p class="small">
            Not sent:{' '}
            {excluded
              .map(([reason, n]) => `${n} ${EXCLUSIONS[reason] ?? reason.replaceAll('_', ' ')}`)
              .join('; ')}
            .
          </p>
        ) : null}
      </section>
      {outcomes.groups.length ? (
        <section aria-labelledby="reasons-heading">
          <h2 id="reasons-heading">Why shares failed or were skipped</h2>
          <ul class="cards" aria-label="Reasons">
            {outcomes.groups.map((group) => (
              <li key={`${group.status}-${group.reason}`} class="card">
                <h3>
                  {group.count} {group.status} · {group.reason.replaceAll('_', ' ')}
                </h3>
                <p class="small muted">
                  On {group.networks.map(networkLabel).join(', ')}
                  {group.awaitingResolution ? ` · ${group.awaitingResolution} to resolve` : ''}
                </p>
                <p class="campaign-fix">{group.fix}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {waiting > 0 ? (
        <ShareIssues campaignId={answer.campaign.campaignId} waiting={waiting} />
      ) : null}
    </>
  );
};

/** One campaign, live: it asks again while the campaign runs. */
export const CampaignLive = ({ campaignId }: { campaignId: string }) => {
  const load = useLoad(
    () =>
      getCampaign(campaignId).then(async (answer) => ({
        ...answer,
        title: await getPost(answer.campaign.postId).then(
          (p) => p.post.title,
          () => answer.campaign.postId,
        ),
      })),
    [campaignId],
  );
  const { state } = load;
  const moving = state.kind === 'ready' && running(state.value);
  useEffect(() => {
    if (state.kind !== 'ready' || !moving) return;
    const timer = setTimeout(() => load.reload(), POLL_MS);
    return () => clearTimeout(timer);
  }, [state, moving]);

  return (
    <>
      <h1 tabIndex={-1}>Campaign</h1>
      <p>
        <Link href="/console/campaigns">All campaigns</Link>
      </p>
      <Loading load={load} what="the campaign">
        {(answer) => (
          <>
            <p>
              <strong>{answer.title}</strong>
            </p>
            <p class="small">
              {STATUS_LABELS[answer.campaign.status]} · {when(answer.campaign.scheduledAt)} ·{' '}
              {answer.campaign.networks.map(networkLabel).join(', ')} · spread over{' '}
              {answer.campaign.staggerMinutes} minutes · mode {answer.campaign.mode}
              {moving ? ' · updating live' : ''}
            </p>
            <Outcomes answer={answer} />
            <Controls answer={answer} onChange={load.reload} />
          </>
        )}
      </Loading>
    </>
  );
};

import { useEffect, useState } from 'preact/hooks';
import {
  type AnalyticsReport,
  getAnalytics,
  getCampaigns,
  getJob,
  getPosts,
  getReport,
  getSegments,
  type Job,
  NETWORKS,
  type ReportScope,
  startReport,
} from '../analytics-endpoints';
import { type ApiError, asApiError } from '../api';
import { Failure, Loading, useLoad } from '../load';
import { AdvocateBoards } from './advocate-boards';
import { ReportView } from './analytics-report';

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** The choices the filters offer; a list the caller may not read leaves its filter out. */
const useChoices = () =>
  useLoad(async () => {
    const [campaigns, posts, segments] = await Promise.all([
      getCampaigns().catch(() => ({ campaigns: [] })),
      getPosts().catch(() => ({ posts: [] })),
      getSegments().catch(() => ({ segments: [] })),
    ]);
    const titles = new Map(posts.posts.map((p) => [p.postId, p.title]));
    return {
      campaigns: campaigns.campaigns.map((c) => ({
        id: c.campaignId,
        label: `${titles.get(c.postId) ?? c.postId} · ${shortDate.format(new Date(c.scheduledAt))} (${c.status})`,
      })),
      posts: posts.posts.map((p) => ({ id: p.postId, label: p.title })),
      segments: segments.segments.map((s) => ({ id: s.segmentId, label: s.name })),
    };
  }, []);

type Choices = NonNullable<
  Extract<ReturnType<typeof useChoices>['state'], { kind: 'ready' }>['value']
>;

const Select = ({
  id,
  label,
  value,
  options,
  all,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  options: readonly { id: string; label: string }[];
  all: string;
  onChange: (value: string | undefined) => void;
}) => (
  <div class="filter-field">
    <label for={id}>{label}</label>
    <select
      id={id}
      value={value ?? ''}
      onChange={(e) => onChange(e.currentTarget.value || undefined)}
    >
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.label}
        </option>
      ))}
    </select>
  </div>
);

/** The scope being edited; applied (and the report asked for) on "Show report". */
const Filters = ({
  scope,
  choices,
  onApply,
}: {
  scope: ReportScope;
  choices: Choices;
  onApply: (scope: ReportScope) => void;
}) => {
  const [draft, setDraft] = useState(scope);
  const set = (change: Partial<ReportScope>) => setDraft({ ...draft, ...change });
  return (
    <form
      class="card filters"
      aria-labelledby="filters-heading"
      onSubmit={(event) => {
        event.preventDefault();
        // A new scope each time: "Show report" asks again even when nothing changed (a refresh).
        onApply({ ...draft });
      }}
    >
      <h2 id="filters-heading">What to report</h2>
      <div class="filter-grid">
        <div class="filter-field">
          <label for="report-from">From</label>
          <input
            id="report-from"
            type="date"
            value={draft.from ?? ''}
            onInput={(e) => set({ from: e.currentTarget.value || undefined })}
          />
        </div>
        <div class="filter-field">
          <label for="report-to">To (included)</label>
          <input
            id="report-to"
            type="date"
            value={draft.to ?? ''}
            onInput={(e) => set({ to: e.currentTarget.value || undefined })}
          />
        </div>
        <Select
          id="report-campaign"
          label="Campaign"
          value={draft.campaignId}
          options={choices.campaigns}
          all="Every campaign"
          onChange={(campaignId) => set({ campaignId })}
        />
        <Select
          id="report-post"
          label="Post"
          value={draft.postId}
          options={choices.posts}
          all="Every post"
          onChange={(postId) => set({ postId })}
        />
        <Select
          id="report-segment"
          label="Segment"
          value={draft.segmentId}
          options={choices.segments}
          all="Every segment"
          onChange={(segmentId) => set({ segmentId })}
        />
        <Select
          id="report-network"
          label="Network"
          value={draft.network}
          options={NETWORKS.map((n) => ({ id: n.network, label: n.label }))}
          all="Every network"
          onChange={(network) => set({ network })}
        />
      </div>
      <p class="muted small">
        Dates are whole days in {draft.timeZone}, the last one included; at most 93 days. Without
        dates: the last 30 days, or a chosen post’s or campaign’s whole life.
      </p>
      <button type="submit" class="primary">
        Show report
      </button>
    </form>
  );
};

type Background =
  | { kind: 'offered' }
  | { kind: 'following'; job: Job['job'] }
  | { kind: 'done'; jobId: string; report: AnalyticsReport }
  | { kind: 'failed'; error: ApiError };

const POLL_MS = 1000;

/**
 * A scope too large for one request (422 `report_too_large`): the same report computed by the job
 * runner, followed with a progress bar, then shown and exported from the job.
 */
const BackgroundReport = ({ scope, refusal }: { scope: ReportScope; refusal: ApiError }) => {
  const [state, setState] = useState<Background>({ kind: 'offered' });
  const jobId = state.kind === 'following' ? state.job.jobId : undefined;

  useEffect(() => {
    if (!jobId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gone = false;
    const poll = async () => {
      try {
        const { job } = await getJob(jobId);
        if (gone) return;
        if (job.state === 'done') {
          const { analytics } = await getReport(jobId);
          if (!gone) setState({ kind: 'done', jobId, report: analytics });
          return;
        }
        setState({ kind: 'following', job });
        timer = setTimeout(poll, POLL_MS);
      } catch (error) {
        if (!gone) setState({ kind: 'failed', error: asApiError(error) });
      }
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  const start = async () => {
    try {
      const { job } = await startReport(scope);
      setState({ kind: 'following', job });
    } catch (error) {
      setState({ kind: 'failed', error: asApiError(error) });
    }
  };

  if (state.kind === 'done') {
    return (
      <>
        <p role="status">The background report is ready.</p>
        <ReportView
          report={state.report}
          source={{ kind: 'job', jobId: state.jobId }}
          timeZone={scope.timeZone}
        />
      </>
    );
  }
  return (
    <section class="card" aria-labelledby="background-heading">
      <h2 id="background-heading">Too large for one request</h2>
      <p role="alert">{refusal.message}</p>
      {state.kind === 'offered' ? (
        <button type="button" class="primary" onClick={start}>
          Make this report in the background
        </button>
      ) : null}
      {state.kind === 'following' ? (
        <div role="status">
          <p>
            {state.job.state === 'running' ? 'Reading shares' : 'Waiting to start'}:{' '}
            {state.job.rowsDone.toLocaleString()} shares read so far.
          </p>
          {/* How many shares the scope holds is not known until the end: the bar runs, unfilled. */}
          <progress aria-label="Background report progress" />
        </div>
      ) : null}
      {state.kind === 'failed' ? <Failure error={state.error} onRetry={start} /> : null}
    </section>
  );
};

/** The live report for a scope, or the offer of a background one when it is too large. */
const Report = ({ scope }: { scope: ReportScope }) => {
  const load = useLoad(() => getAnalytics(scope), [scope]);
  if (load.state.kind === 'failed' && load.state.error.code === 'report_too_large') {
    return (
      <BackgroundReport key={JSON.stringify(scope)} scope={scope} refusal={load.state.error} />
    );
  }
  return (
    <Loading load={load} what="the report">
      {({ analytics }) => (
        <ReportView report={analytics} source={{ kind: 'live', scope }} timeZone={scope.timeZone} />
      )}
    </Loading>
  );
};

/** Marketing's dashboard: what to report, the report, and the advocates behind it. */
export const Analytics = () => {
  const [scope, setScope] = useState<ReportScope>(() => ({ timeZone: zone() }));
  const choices = useChoices();
  return (
    <>
      <h1 tabIndex={-1}>Analytics</h1>
      <Loading load={choices} what="the filters">
        {(value) => <Filters scope={scope} choices={value} onApply={setScope} />}
      </Loading>
      <Report scope={scope} />
      <AdvocateBoards />
    </>
  );
};

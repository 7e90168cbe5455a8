import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  type Campaign,
  type CampaignPage,
  type CampaignStatus,
  getPost,
  listCampaigns,
} from '../campaign-endpoints';
import { Failure, Loading, useLoad } from '../load';
import { Link } from '../router';
import { networkLabel, when } from './review-text';

const STATUSES: [CampaignStatus | '', string][] = [
  ['', 'All'],
  ['scheduled', 'Scheduled'],
  ['dispatched', 'Under way or sent'],
  ['cancelled', 'Cancelled'],
];

export const STATUS_LABELS: Record<CampaignStatus, string> = {
  scheduled: 'Scheduled',
  dispatched: 'Sent out',
  cancelled: 'Cancelled',
};

/** A page of campaigns with their posts' titles (one read per post of the page, at most 20). */
const withTitles = async (page: CampaignPage) => {
  const ids = [...new Set(page.campaigns.map((c) => c.postId))];
  const titles = new Map(
    await Promise.all(
      ids.map(
        async (id) =>
          [
            id,
            await getPost(id).then(
              (p) => p.post.title,
              () => id,
            ),
          ] as const,
      ),
    ),
  );
  return { ...page, titles };
};

type Listed = Awaited<ReturnType<typeof withTitles>>;

const CampaignCard = ({ campaign, title }: { campaign: Campaign; title: string }) => (
  <li class="card">
    <h2>
      <Link href={`/console/campaigns/${encodeURIComponent(campaign.campaignId)}`}>{title}</Link>
    </h2>
    <p class="small">
      <span class={`status status-${campaign.status}`}>{STATUS_LABELS[campaign.status]}</span> ·{' '}
      {when(campaign.scheduledAt)} · {campaign.networks.map(networkLabel).join(', ')} ·{' '}
      {campaign.mode === 'auto' ? 'auto-share' : campaign.mode === 'suggest' ? 'suggest' : 'both'}
    </p>
  </li>
);

/** Every campaign, newest first, filtered by status, a page at a time. */
export const Campaigns = () => {
  const [status, setStatus] = useState<CampaignStatus | ''>('');
  const load = useLoad(
    () => listCampaigns({ status: status || undefined }).then(withTitles),
    [status],
  );
  const [busy, setBusy] = useState(false);
  const [moreFailed, setMoreFailed] = useState<ApiError>();

  const loadMore = async (shown: Listed, cursor: string) => {
    setBusy(true);
    setMoreFailed(undefined);
    try {
      const next = await withTitles(await listCampaigns({ status: status || undefined }, cursor));
      const seen = new Set(shown.campaigns.map((c) => c.campaignId));
      load.set({
        campaigns: [...shown.campaigns, ...next.campaigns.filter((c) => !seen.has(c.campaignId))],
        titles: new Map([...shown.titles, ...next.titles]),
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
      <h1 tabIndex={-1}>Campaigns</h1>
      <p>
        <Link href="/console/campaigns/new" class="button primary">
          Schedule a campaign
        </Link>
      </p>
      <label class="campaign-field">
        Status{' '}
        <select
          value={status}
          onChange={(event) => {
            setMoreFailed(undefined);
            setStatus((event.target as HTMLSelectElement).value as CampaignStatus | '');
          }}
        >
          {STATUSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <Loading load={load} what="campaigns">
        {(listed) => (
          <>
            {listed.campaigns.length === 0 && !listed.cursor ? <p>No campaigns here.</p> : null}
            {listed.campaigns.length > 0 ? (
              <ul class="cards" aria-label="Campaigns">
                {listed.campaigns.map((campaign) => (
                  <CampaignCard
                    key={campaign.campaignId}
                    campaign={campaign}
                    title={listed.titles.get(campaign.postId) ?? campaign.postId}
                  />
                ))}
              </ul>
            ) : null}
            {moreFailed ? <Failure error={moreFailed} /> : null}
            {listed.cursor ? (
              <button
                type="button"
                disabled={busy}
                onClick={() => loadMore(listed, listed.cursor as string)}
              >
                {busy ? 'Loading more…' : 'Load more'}
              </button>
            ) : null}
          </>
        )}
      </Loading>
    </>
  );
};

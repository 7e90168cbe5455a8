import type { CampaignCompliance } from '../campaign-endpoints';
import { MarkedText } from './marked-text';
import { networkLabel } from './review-text';

/** Why someone gets no share, in words (the fan-out's and the preview's reason codes). */
export const EXCLUSIONS: Record<string, string> = {
  deactivated: 'no longer in the directory',
  left_programme: 'left the sharing programme',
  paused: 'paused sharing',
  not_connected: 'not connected to this network',
  reconnect_needed: 'must reconnect this network',
  auto_share_off: 'auto-share is off here',
  topic_not_followed: 'does not follow the post’s topics',
  over_budget: 'over the month’s budget for network fees',
};

export const usd = (amount: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount);

const places = (list: readonly (string | null)[]) =>
  list.map((j) => j ?? 'no jurisdiction recorded').join(', ');

/** The texts the compliance policy in force blocks, each with its findings marked. */
export const BlockedTexts = ({
  renderings,
  truncated,
}: Pick<CampaignCompliance, 'renderings' | 'truncated'>) => (
  <div class="blocked-texts">
    <h3>Blocked texts</h3>
    {renderings.map((r) => (
      <MarkedText
        key={`${r.variant}-${r.network}-${r.jurisdictions.join()}`}
        text={r.text}
        findings={r.findings}
        label={`Variant ${r.variant + 1} on ${networkLabel(r.network)}, for readers in ${places(r.jurisdictions)}`}
      />
    ))}
    {truncated ? <p class="muted small">More texts are blocked too.</p> : null}
  </div>
);

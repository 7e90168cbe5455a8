import { z } from 'zod';
import { FeedAnswer, type FeedNetwork, ShareAnswer } from '#functions/api/answers/feed';
import { currentEmployee } from '#functions/api/current-employee';
import type { ApiDependencies } from '#functions/api/dependencies';
import { defineRoute } from '#functions/api/route';
import { shareablePost } from '#functions/api/shareable-post';
import type { Campaign } from '#shared/campaigns/campaign';
import type { CompliancePolicy } from '#shared/compliance/policy';
import type { Employee } from '#shared/employees/employee';
import { segmentsOf } from '#shared/employees/segment';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '#shared/errors';
import { shareIdFor } from '#shared/ids';
import { destinationWithUtm, linkCodeFor } from '#shared/links/tracked-link';
import { NetworkName } from '#shared/networks/network';
import { checkPersonalisation } from '#shared/personalisations/check';
import type { Post } from '#shared/posts/post';
import { isLiveAt } from '#shared/posts/workflow';
import { pointsForConfirmedShare } from '#shared/recognition/points';
import { isDeclined } from '#shared/shares/declined';
import {
  renderForNetwork,
  renderPersonalised,
  trackedLinkOf,
  variantForShare,
} from '#shared/shares/final-text';
import { createShareOutcomes } from '#shared/shares/outcome';
import { isTerminal, type Share } from '#shared/shares/share';
import { EXCLUSION_REASONS, exclusionFor } from '#shared/sharing/eligibility';
import { IntentNetwork, shareIntentUrl } from '#shared/sharing/intents';
import { autoShares, suggests } from '#shared/sharing/offers';
import { plannedShare } from '#shared/sharing/plan';
import type { SharingPolicy } from '#shared/sharing/policy';

const FEED_POSTS = 20;

/** The share's tracked link, made now when the employee will share it through a dialog. */
const trackedLinkFor = async (
  deps: ApiDependencies,
  post: Post,
  share: { shareId: string; campaignId: string; employeeId: string; network: string },
): Promise<string | undefined> => {
  if (!post.link) return undefined;
  const code = linkCodeFor(share.shareId);
  await deps.links.ensure({
    code,
    ...share,
    postId: post.postId,
    destination: destinationWithUtm(post.link, share),
    createdAt: deps.now().toISOString(),
  });
  return `${deps.apiUrl}/l/${code}`;
};

/** What one network would receive from this employee for this campaign, and their own wording. */
const renderedFor = async (
  deps: ApiDependencies,
  employee: Employee,
  campaign: Campaign,
  post: Post,
  network: NetworkName,
  policy: CompliancePolicy,
  mine: readonly string[],
): Promise<Pick<FeedNetwork, 'rendered' | 'personalisation'>> => {
  const shareId = shareIdFor(campaign.campaignId, employee.employeeId, network);
  // The variant the worker would post for them: the copy for their segments, or the general one.
  const variant = variantForShare(post, network, shareId, (id) => mine.includes(id));
  if (variant === undefined) return {};
  const own = await deps.personalisations.get(employee.employeeId, post.postId, network);
  const request = {
    post,
    variant,
    network,
    policy,
    reader: { name: employee.name, jurisdiction: employee.jurisdiction },
    postedLink: trackedLinkOf(deps.apiUrl, shareId),
  };
  // The worker posts the employee's wording only once legal-clean and written from this content.
  const usable = own?.status === 'approved' && own.baseHash === campaign.contentHash;
  return {
    rendered: usable ? renderPersonalised(request, own) : renderForNetwork(request),
    ...(own
      ? {
          personalisation: {
            personalisationId: own.personalisationId,
            status: own.status,
            ...(own.ownText ? { ownText: own.ownText } : {}),
          },
        }
      : {}),
  };
};

/** When auto-share posts this campaign for the employee on this network, if it will. */
const autoShareTime = (
  campaign: Campaign,
  employee: Employee,
  network: string,
  post: Post,
  sharing: SharingPolicy,
): string | undefined => {
  const name = NetworkName.safeParse(network);
  if (campaign.mode === 'suggest' || !name.success || !campaign.networks.includes(name.data)) {
    return undefined;
  }
  const planned = plannedShare({
    campaign,
    employee,
    network: name.data,
    postTopics: post.topics,
    policy: sharing,
  });
  return 'at' in planned ? planned.at.toISOString() : undefined;
};

const feedNetworks = async (
  deps: ApiDependencies,
  employee: Employee,
  campaign: Campaign,
  post: Post,
  policies: { compliance: CompliancePolicy; sharing: SharingPolicy },
  suggested: boolean,
  mine: readonly string[],
): Promise<FeedNetwork[]> => {
  const networks = [...campaign.networks, ...(suggested ? IntentNetwork.options : [])];
  const answers = await Promise.all(
    networks.map(async (network) => {
      const shareId = shareIdFor(campaign.campaignId, employee.employeeId, network);
      const intent = IntentNetwork.safeParse(network);
      const autoShareAt = autoShareTime(campaign, employee, network, post, policies.sharing);
      // Not suggested: only what auto-share will post is shown (there is no Share button).
      if (!suggested && !autoShareAt) return undefined;
      const [existing, text] = await Promise.all([
        deps.shares.get(shareId),
        intent.success
          ? {}
          : renderedFor(
              deps,
              employee,
              campaign,
              post,
              network as NetworkName,
              policies.compliance,
              mine,
            ),
      ]);
      if (existing) {
        const declined = isDeclined(existing);
        return {
          network,
          action: declined ? ('declined' as const) : ('shared' as const),
          share: { shareId, status: existing.status },
          ...text,
        };
      }
      const auto = autoShareAt ? { autoShareAt } : {};
      if (!suggested) return { network, action: 'auto' as const, ...auto, ...text };
      if (intent.success) {
        const link = await trackedLinkFor(deps, post, {
          shareId,
          campaignId: campaign.campaignId,
          employeeId: employee.employeeId,
          network,
        });
        return link
          ? { network, action: 'intent' as const, intentUrl: shareIntentUrl(intent.data, link) }
          : { network, action: 'connect' as const };
      }
      const connection = employee.connections[network as NetworkName];
      const action = !connection
        ? ('connect' as const)
        : connection.status === 'expired' || connection.status === 'revoked'
          ? ('reconnect' as const)
          : ('share' as const);
      return { network, action, ...auto, ...text };
    }),
  );
  return answers.filter((a) => a !== undefined);
};

export const feed = defineRoute({
  summary: 'Posts suggested to me, newest first, with what I can do on each network',
  description:
    'Campaigns in `suggest` or `both` mode for my segments once they start, and campaigns that will auto-share for me from before they start. `share`: one call to POST /me/shares; `intent`: open `intentUrl` (Facebook has no posting API) and then confirm; `shared`: done, with its status; `auto`: auto-share posts it at `autoShareAt` unless I decline it (POST /me/feed/{campaignId}/decline); `declined`: I said not this one.',
  tag: 'me',
  roles: ['employee'],
  response: { status: 200, description: 'My feed', schema: FeedAnswer },
  async handle({ caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const mine = segmentsOf(employee, await deps.segments.all());
    const now = deps.now();
    const [{ entries }, compliance, sharing] = await Promise.all([
      deps.posts.library(mine, { limit: FEED_POSTS }),
      deps.compliancePolicies.current(),
      deps.sharingPolicies.current(),
    ]);
    const items = await Promise.all(
      entries.map(async (entry) => {
        const campaign = (await deps.campaigns.ofPost(entry.postId)).find(
          (c) => suggests(c, mine, now) || autoShares(c, mine, now),
        );
        if (!campaign) return undefined;
        const post = await deps.posts.get(entry.postId);
        if (!isLiveAt(post, now)) return undefined;
        const networks = await feedNetworks(
          deps,
          employee,
          campaign,
          post,
          { compliance, sharing },
          suggests(campaign, mine, now),
          mine,
        );
        if (networks.length === 0) return undefined;
        return {
          campaignId: campaign.campaignId,
          postId: post.postId,
          title: post.title,
          topics: post.topics,
          ...(post.link ? { link: post.link } : {}),
          ...(campaign.expiresAt ? { expiresAt: campaign.expiresAt } : {}),
          networks,
        };
      }),
    );
    return { status: 200, body: { items: items.filter((i) => i !== undefined) } };
  },
});

const ShareRequest = z.strictObject({
  campaignId: z.string().min(1).max(100),
  network: z.union([NetworkName, IntentNetwork]),
  /** My own wording of the whole post, checked like any post before it goes out. */
  text: z.string().trim().min(1).max(5000).optional(),
  /** For a share-dialog network: I shared it there. */
  confirmed: z.literal(true).optional(),
});

export const shareNow = defineRoute({
  summary: 'Share a suggested post now, on one network, optionally in my own words',
  description:
    'Goes through the same worker and guarantees as a campaign share, and never twice: one share per campaign, person and network. Own words are checked first (blocked: 422 with findings; `review`: 202, waits for legal, then share again). For Facebook, confirm after sharing in its dialog.',
  tag: 'me',
  roles: ['employee'],
  body: ShareRequest,
  response: {
    status: 202,
    description: 'Queued (or counted, for a share dialog)',
    schema: ShareAnswer,
  },
  errors: [404],
  unprocessable: [
    'You cannot share on this network now: not connected, paused, or the topic is not yours (`unprocessable`, saying which)',
    'Your own words are blocked by the compliance policy (`compliance_blocked`, with `findings` and `text`)',
  ],
  async handle({ body, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const mine = segmentsOf(employee, await deps.segments.all());
    const now = deps.now();
    const campaign = await deps.campaigns.get(body.campaignId).catch(() => undefined);
    // Someone else's suggestion answers as if it did not exist.
    if (!campaign || !suggests(campaign, mine, now))
      throw new NotFoundError('Suggestion', body.campaignId);
    const shareId = shareIdFor(campaign.campaignId, employee.employeeId, body.network);
    const existing = await deps.shares.get(shareId);
    if (existing && existing.status !== 'pending') {
      return {
        status: 200,
        body: {
          share: existing,
          message: isTerminal(existing.status)
            ? 'You already shared this here'
            : 'Already on its way',
        },
      };
    }
    const intent = IntentNetwork.safeParse(body.network);
    if (intent.success) {
      const post = await deps.posts.get(campaign.postId);
      if (!isLiveAt(post, now)) throw new NotFoundError('Suggestion', body.campaignId);
      if (!body.confirmed) {
        throw new ValidationError('Share it in the network’s own dialog first, then confirm', [
          { field: 'confirmed', message: 'must be true once you have shared it' },
        ]);
      }
      const share: Share = {
        shareId,
        campaignId: campaign.campaignId,
        postId: post.postId,
        employeeId: employee.employeeId,
        network: intent.data,
        mode: 'own',
        via: 'intent',
        status: 'published',
        audienceSize: 0,
        attempt: 0,
        startedAt: now.toISOString(),
        publishedAt: now.toISOString(),
      };
      // Never read back from the network: its points are given here, once.
      const entry = pointsForConfirmedShare(share, now, await deps.recognitionPolicies.current());
      // The share, its SharePublished, its points and its audit entry together, through the
      // recorder every share's end uses: a confirmation retried after any failure (even one after
      // the commit) finds them all, or none.
      const record = async () =>
        createShareOutcomes(deps)
          .ended(share, caller.userId, {
            writes: [
              ...deps.shares.firstRecordWrites(share),
              ...(entry ? await deps.recognition.awardItems(entry) : []),
            ],
            conflict: 'already recorded',
          })
          .then(
            () => true,
            (error: unknown) => {
              if (error instanceof ConflictError) return false;
              throw error;
            },
          );
      let created = await record();
      // Refused with no share stored: not a second confirmation but the person's points moving
      // meanwhile (another award read the same counters); built again from what is stored now.
      for (let attempt = 1; !created && attempt < 4; attempt++) {
        if (await deps.shares.get(shareId)) break;
        created = await record();
      }
      const stored = created
        ? ({ created: true } as const)
        : ({ created: false, existing: (await deps.shares.get(shareId)) ?? share } as const);
      return {
        status: 201,
        body: {
          share: stored.created ? share : stored.existing,
          message: 'Counted: thank you for sharing',
        },
      };
    }
    const network = NetworkName.parse(body.network);
    const { post, target } = await shareablePost(deps, employee, {
      postId: campaign.postId,
      network,
      networkField: 'network',
    });
    const exclusion = exclusionFor(employee, network, post.topics, 'own');
    if (exclusion)
      throw new UnprocessableError(`Cannot share here: ${EXCLUSION_REASONS[exclusion]}`);
    const personalisation = body.text
      ? (await checkPersonalisation(deps, caller.userId, employee, post, target, body.text))
          .personalisation
      : undefined;
    if (personalisation && personalisation.status !== 'approved') {
      return {
        status: 202,
        body: {
          share: { shareId, network, status: 'awaiting_review' },
          personalisation,
          message: 'Your wording needs legal’s review; share again once it is approved',
        },
      };
    }
    await deps.queueShares([
      {
        job: {
          shareId,
          campaignId: campaign.campaignId,
          postId: post.postId,
          employeeId: employee.employeeId,
          network,
          mode: 'own',
        },
      },
    ]);
    return {
      status: 202,
      body: {
        share: { shareId, network, status: 'queued' },
        ...(personalisation ? { personalisation } : {}),
        message: 'On its way: it appears in your feed as shared once the network confirms',
      },
    };
  },
});

import type { BlockedRendering } from '#shared/compliance/blocked-rendering';
import type { CompliancePolicy } from '#shared/compliance/policy';
import type { KnownNetwork } from '#shared/networks/limits';
import {
  type RenderablePost,
  renderForNetwork,
  standInLink,
  variantsOnNetworks,
} from '#shared/shares/final-text';
import { sampleTemplateValues } from '#shared/shares/render';

/** Renderings listed per post: enough to see what to fix; `truncated` says when there are more. */
export const MAX_RENDERINGS_PER_POST = 10;

export interface ImpactSubject {
  post: RenderablePost;
  /** The networks the post would go to: a campaign's, or every network for an approved post. */
  networks: readonly KnownNetwork[];
  /** Its recipients' jurisdictions (`null`: people with none); empty when nobody is known. */
  jurisdictions: readonly (string | null)[];
  /** The API's address: tracked links are measured by their real shape. */
  linkBase: string;
}

/**
 * What `policy` would block of one post: every variant on every network, rendered and checked
 * exactly as the share worker would for a reader in each of the recipients' jurisdictions
 * (jurisdiction-bound disclaimers change the text), grouped where the text and its blocking
 * findings are the same. A campaign preview calls this for its one post; the policy-impact job
 * for every live one.
 */
export const blockedRenderings = (
  subject: ImpactSubject,
  policy: CompliancePolicy,
): {
  renderings: BlockedRendering[];
  truncated: boolean;
  /** (variant, network, jurisdiction) texts rendered, and how many of them the policy blocks. */
  checked: number;
  blocked: number;
} => {
  // People with no jurisdiction first, then by code: the order the job lists them in.
  const readers: (string | null)[] =
    subject.jurisdictions.length > 0
      ? [...new Set(subject.jurisdictions)].sort((a, b) => (a ?? '').localeCompare(b ?? ''))
      : [null];
  // The sample person, so a jurisdiction can be given without naming anyone.
  const name = sampleTemplateValues(policy.company)['employee.name'];
  const blocked = new Map<string, BlockedRendering>();
  let checked = 0;
  let blockedCount = 0;
  for (const at of variantsOnNetworks(subject.post, subject.networks)) {
    for (const jurisdiction of readers) {
      checked += 1;
      const rendered = renderForNetwork({
        post: subject.post,
        ...at,
        policy,
        reader: jurisdiction === null ? undefined : { name, jurisdiction },
        postedLink: standInLink(subject.linkBase),
      });
      const findings = rendered.findings.filter((f) => f.severity === 'block');
      if (findings.length === 0) continue;
      blockedCount += 1;
      const key = JSON.stringify([at.variant, at.network, rendered.text, findings]);
      const same = blocked.get(key);
      if (same) same.jurisdictions.push(jurisdiction);
      else
        blocked.set(key, { ...at, jurisdictions: [jurisdiction], text: rendered.text, findings });
    }
  }
  const renderings = [...blocked.values()];
  return {
    renderings: renderings.slice(0, MAX_RENDERINGS_PER_POST),
    truncated: renderings.length > MAX_RENDERINGS_PER_POST,
    checked,
    blocked: blockedCount,
  };
};

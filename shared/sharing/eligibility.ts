import type { SharingHours } from '#shared/employees/consent';
import type { Employee } from '#shared/employees/employee';
import type { NetworkName } from '#shared/networks/network';
import type { SharingPolicy } from '#shared/sharing/policy';

/** Why a person does not receive a share on a network, in words the API and the audit log use. */
export type Exclusion =
  | 'deactivated'
  | 'left_programme'
  | 'paused'
  | 'not_connected'
  | 'reconnect_needed'
  | 'auto_share_off'
  | 'topic_not_followed';

export const EXCLUSION_REASONS: Record<Exclusion, string> = {
  deactivated: 'the employee is no longer in the directory',
  left_programme: 'the employee left the sharing programme',
  paused: 'the employee paused sharing',
  not_connected: 'the network is not connected',
  reconnect_needed: 'the connection has expired or was revoked; the employee must reconnect',
  auto_share_off: 'the employee has not turned auto-share on for this network',
  topic_not_followed: 'the employee does not follow the post’s topics',
};

/**
 * Whether Chorus may post this for this person on this network. `auto` is a campaign sharing on
 * their behalf: it needs auto-share on, not paused, a followed topic. `own` is the employee
 * sharing it themselves from their feed: their own click is the consent, so only the programme,
 * the directory and the connection matter.
 */
export const exclusionFor = (
  employee: Employee,
  network: NetworkName,
  postTopics: readonly string[],
  mode: 'auto' | 'own',
): Exclusion | undefined => {
  const consent = employee.consent;
  if (employee.status !== 'active') return 'deactivated';
  if (consent.leftAt) return 'left_programme';
  if (mode === 'auto' && consent.paused) return 'paused';
  const connection = employee.connections[network];
  if (!connection) return 'not_connected';
  if (connection.status === 'expired' || connection.status === 'revoked') return 'reconnect_needed';
  if (mode === 'auto' && !consent.networks[network]?.autoShare) return 'auto_share_off';
  if (
    mode === 'auto' &&
    consent.topics.length > 0 &&
    postTopics.length > 0 &&
    !postTopics.some((t) => consent.topics.includes(t))
  ) {
    return 'topic_not_followed';
  }
  return undefined;
};

/** The consent that applies, with the company's defaults filled in and its maxima enforced. */
export const effectiveConsent = (
  employee: Employee,
  network: NetworkName,
  policy: SharingPolicy,
): { hours: SharingHours; zone: string; dailyCap: number } => ({
  hours: employee.consent.sharingHours ?? policy.defaults.sharingHours,
  zone: employee.consent.timeZone ?? employee.timeZone,
  dailyCap: Math.min(
    employee.consent.networks[network]?.dailyCap ?? policy.defaults.dailyCap,
    policy.maxDailyCap,
  ),
});

import type { AuditEntry, StreamVerification } from '#shared/audit/entry';
import { request } from './api';
import type { AuditSearch } from './audit-search';

/** The audit log as legal and admins search it, typed from the API's schemas (type-only). */
export type { AuditEntry, AuditSearch, StreamVerification };

export interface AuditPage {
  entries: AuditEntry[];
  /** The range the API read; the next page is asked for with the same one. */
  from: string;
  to: string;
  cursor?: string;
}

export const searchAudit = (search: AuditSearch) => {
  const query = new URLSearchParams({ limit: '50' });
  for (const [name, value] of Object.entries(search)) if (value) query.set(name, value);
  return request<AuditPage>('GET', `/audit?${query}`);
};

export const verifyStream = (stream: string) =>
  request<StreamVerification>('GET', `/audit/verify?${new URLSearchParams({ stream })}`);

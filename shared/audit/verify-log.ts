import { type BrokenLink, verifyStream } from '#shared/audit/chain';
import type { AuditStore } from '#shared/store/audit';

export interface AuditVerification {
  streams: number;
  entries: number;
  broken?: BrokenLink;
}

/** Walks every stream of the log in order and stops at the first broken link. */
export const verifyAuditLog = async (audit: AuditStore): Promise<AuditVerification> => {
  const streams = await audit.streams();
  let entries = 0;
  for (const stream of streams) {
    const all = [];
    for await (const page of audit.entriesOf(stream)) all.push(...page);
    entries += all.length;
    const broken = verifyStream(stream, all);
    if (broken) return { streams: streams.length, entries, broken };
  }
  return { streams: streams.length, entries };
};

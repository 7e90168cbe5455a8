import type { AuditEntry } from '#shared/audit/entry';
import { hashOf } from '#shared/hash';

/**
 * The audit log is a set of hash chains, one per stream (a post, a policy, a campaign's shares).
 * Each entry carries the hash of the one before it in its stream and a gap-free sequence number,
 * so editing, deleting or reordering any entry breaks a link that `audit:verify` finds. Streams
 * keep appends for unrelated subjects from contending on one chain head. The entry's shape is
 * in entry.ts (no node modules, so the console reads its type); it is re-exported here.
 */
export { AuditEntry, AuditSubject, StreamVerification } from '#shared/audit/entry';

/** What a caller records; the store places it in its stream's chain. */
export type AuditRecord = Omit<AuditEntry, 'stream' | 'seq' | 'prevHash' | 'hash'>;

export const entryHash = (entry: Omit<AuditEntry, 'hash'>): string =>
  hashOf({
    stream: entry.stream,
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    before: entry.before ?? null,
    after: entry.after ?? null,
    prevHash: entry.prevHash,
  });

/** Appends records to a stream whose last entry is `tail` (undefined for an empty stream). */
export const chainEntries = (
  stream: string,
  tail: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  records: readonly AuditRecord[],
): AuditEntry[] => {
  const entries: AuditEntry[] = [];
  let previous = tail;
  for (const record of records) {
    const unsigned = {
      ...record,
      before: record.before ?? null,
      after: record.after ?? null,
      stream,
      seq: (previous?.seq ?? 0) + 1,
      prevHash: previous?.hash ?? null,
    };
    const entry = { ...unsigned, hash: entryHash(unsigned) };
    entries.push(entry);
    previous = entry;
  }
  return entries;
};

export interface BrokenLink {
  stream: string;
  seq: number;
  problem: string;
}

/** Walks one stream's entries in order and returns the first broken link, if any. */
export const verifyStream = (
  stream: string,
  entries: readonly AuditEntry[],
): BrokenLink | undefined => {
  let previous: AuditEntry | undefined;
  for (const entry of entries) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq) {
      return {
        stream,
        seq: expectedSeq,
        problem: `entry ${expectedSeq} is missing (next found is ${entry.seq})`,
      };
    }
    if (entry.stream !== stream) {
      return { stream, seq: entry.seq, problem: `entry claims stream ${entry.stream}` };
    }
    if (entry.prevHash !== (previous?.hash ?? null)) {
      return {
        stream,
        seq: entry.seq,
        problem: 'its previous-entry hash does not match the entry before it',
      };
    }
    if (entryHash(entry) !== entry.hash) {
      return { stream, seq: entry.seq, problem: 'its content does not match its hash (edited)' };
    }
    previous = entry;
  }
  return undefined;
};

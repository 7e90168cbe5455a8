import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AnalyticsReport } from '#shared/analytics/report';
import { dynamo } from '#shared/aws';
import type { PreviewProgress } from '#shared/campaigns/preview';
import { NotFoundError } from '#shared/errors';
import type { PendingEvent } from '#shared/events/publisher';
import {
  type ImportCounts,
  Job,
  type JobCheckpoint,
  type JobState,
  type PartSummary,
  RejectedRow,
} from '#shared/jobs/job';
import type { ImpactProgress } from '#shared/jobs/policy-impact';
import type { ThanksProgress } from '#shared/recognition/thanks';
import { batchWriteItems } from '#shared/store/batch';
import { conditionalWrite } from '#shared/store/conditional';
import { keys, withoutKeys } from '#shared/store/keys';
import {
  countedOutboxWrites,
  createVersionedOutbox,
  EVENT_VERSION_ATTRIBUTE,
  type ItemUpdate,
} from '#shared/store/outbox-writes';
import type { TransactItem } from '#shared/store/transact';

/** A job, its parts and its report are kept a month, then DynamoDB deletes them. */
const KEEP_SECONDS = 30 * 24 * 3600;

/** The aggregate a job's events belong to: they are numbered by the job item's own counter. */
export const jobAggregate = (jobId: string) => `job#${jobId}`;

export type PartOutcome = 'stored' | 'same' | 'different' | 'closed';

export interface JobProgress {
  checkpoint: JobCheckpoint;
  rowsDone: number;
  counts: ImportCounts;
  state: JobState;
  at: string;
}

export const createJobStore = (tableName: string) => {
  const ttlOf = (job: Pick<Job, 'createdAt'>) =>
    Math.floor(new Date(job.createdAt).getTime() / 1000) + KEEP_SECONDS;
  const read = async (Key: Record<string, string>) =>
    (await dynamo().send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }))).Item;
  const outbox = createVersionedOutbox(tableName);
  /*
   * One job, one counter numbering its events: a directory walk's (preview, a segment's thanks)
   * are numbered by its `pages` (its runs hold the count in hand), every other job's by
   * `eventVersion`, read and moved by the commit. Each write refuses the other kind's item, so
   * the two never number one aggregate.
   */
  const COUNTED_BY_EVENT_VERSION =
    'attribute_not_exists(preview) AND attribute_not_exists(thanks) AND attribute_not_exists(impact)';
  const COUNTED_BY_PAGES = `attribute_not_exists(${EVENT_VERSION_ATTRIBUTE})`;
  /** A change to the job item with what it announces, in one transaction (see the outbox). */
  const commit = (
    jobId: string,
    update: Omit<ItemUpdate, 'Key'>,
    events: readonly PendingEvent[],
  ) =>
    events.length > 0
      ? outbox.commit({
          aggregate: jobAggregate(jobId),
          update: {
            Key: keys.job(jobId),
            ...update,
            condition: `(${update.condition}) AND ${COUNTED_BY_EVENT_VERSION}`,
          },
          events,
        })
      : conditionalWrite(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.job(jobId),
            UpdateExpression: `SET ${update.set.join(', ')}`,
            ConditionExpression: update.condition,
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: update.values,
          }),
        );

  /**
   * The writes that create a job with the events that set it going (its `JobRunDue`), for one
   * transaction: a job is never left waiting for an announcement that was lost. A caller adds
   * its own writes beside them (an audit entry, the request's Idempotency-Key answer).
   */
  const announcedWrites = (job: Job, events: readonly PendingEvent[], at: Date): TransactItem[] => [
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.job(job.jobId), ...job, ttl: ttlOf(job) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...countedOutboxWrites(
      tableName,
      { aggregate: jobAggregate(job.jobId), counter: 0, events },
      at,
    ),
  ];

  /** A directory walk's progress (`field`) moved on from the page count this run found. */
  const advanceWalk = (
    field: 'preview' | 'thanks' | 'impact',
    jobId: string,
    fromPages: number,
    next: { pages: number },
    state: JobState,
    at: Date,
    events: readonly PendingEvent[],
  ) =>
    conditionalWrite(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: keys.job(jobId),
              UpdateExpression:
                'SET #walk = :next, #state = :state, updatedAt = :at' +
                (state === 'done' ? ', finishedAt = :at' : ''),
              ConditionExpression: `#walk.pages = :from AND ${COUNTED_BY_PAGES}`,
              ExpressionAttributeNames: { '#walk': field, '#state': 'state' },
              ExpressionAttributeValues: {
                ':next': next,
                ':state': state,
                ':at': at.toISOString(),
                ':from': fromPages,
              },
            },
          },
          ...countedOutboxWrites(
            tableName,
            { aggregate: jobAggregate(jobId), counter: next.pages, events },
            at,
          ),
        ],
      }),
    );

  return {
    async create(job: Job): Promise<void> {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.job(job.jobId), ...job, ttl: ttlOf(job) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    announcedWrites,

    /** A job and what sets it going, in one transaction, with the caller's writes beside them. */
    async createAnnounced(
      job: Job,
      events: readonly PendingEvent[],
      at: Date,
      alongside: readonly TransactItem[] = [],
    ): Promise<void> {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [...announcedWrites(job, events, at), ...alongside],
        }),
      );
    },

    /**
     * An import whose whole file came in one request: the job already started, its one part,
     * its `JobRunDue` and the caller's writes (the Idempotency-Key's answer) in one transaction,
     * so a retry after a lost reply finds the answer instead of opening a second job. A part is
     * at most 300 KB and the rest a few small items: far under a transaction's 100 items / 4 MB.
     */
    async createStarted(
      job: Job,
      text: string,
      events: readonly PendingEvent[],
      at: Date,
      alongside: readonly TransactItem[] = [],
    ): Promise<void> {
      const sha256 = job.parts['1']?.sha256;
      if (job.state !== 'queued' || !sha256 || Object.keys(job.parts).length !== 1) {
        throw new Error('createStarted takes a queued job of exactly one part');
      }
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            ...announcedWrites(job, events, at),
            {
              Put: {
                TableName: tableName,
                Item: { ...keys.jobPart(job.jobId, 1), text, sha256, ttl: ttlOf(job) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...alongside,
          ],
        }),
      );
    },

    /**
     * Moves a preview on by one page, only from the page this run found it at; a hand-over to a
     * fresh run is committed with it, numbered by the page count. False when another run of the
     * same job (a duplicated event) got there first: this one stops.
     */
    advancePreview(
      jobId: string,
      fromPages: number,
      next: PreviewProgress,
      state: JobState,
      at: Date,
      events: readonly PendingEvent[] = [],
    ): Promise<boolean> {
      return advanceWalk('preview', jobId, fromPages, next, state, at, events);
    },

    /** A segment's thanks moved on by one page, as a preview is (see `advancePreview`). */
    advanceThanks(
      jobId: string,
      fromPages: number,
      next: ThanksProgress,
      state: JobState,
      at: Date,
      events: readonly PendingEvent[] = [],
    ): Promise<boolean> {
      return advanceWalk('thanks', jobId, fromPages, next, state, at, events);
    },

    /**
     * A background report's progress: the shares read so far by the run at work (a run that
     * starts over after a crash counts from 0 again). Nothing once the job is done.
     */
    async analyticsProgress(jobId: string, sharesRead: number, at: Date): Promise<boolean> {
      return conditionalWrite(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.job(jobId),
          UpdateExpression: 'SET #state = :running, rowsDone = :read, updatedAt = :at',
          ConditionExpression: 'attribute_exists(analytics) AND #state <> :done',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':done': 'done',
            ':read': sharesRead,
            ':at': at.toISOString(),
          },
        }),
      );
    },

    /**
     * A background report's result, written once: false when another run of the same job (a
     * duplicated `JobRunDue`) wrote it first. Both computed it from the same scope.
     */
    async finishAnalytics(
      jobId: string,
      report: AnalyticsReport,
      sharesRead: number,
      at: Date,
    ): Promise<boolean> {
      return conditionalWrite(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.job(jobId),
          UpdateExpression:
            'SET analytics.#report = :report, #state = :done, rowsDone = :read, rowsTotal = :read, updatedAt = :at, finishedAt = :at',
          ConditionExpression: 'attribute_exists(analytics) AND #state <> :done',
          ExpressionAttributeNames: { '#state': 'state', '#report': 'report' },
          ExpressionAttributeValues: {
            ':report': report,
            ':done': 'done',
            ':read': sharesRead,
            ':at': at.toISOString(),
          },
        }),
      );
    },

    /** A policy-impact job moved on by one page, as a preview is (see `advancePreview`). */
    advanceImpact(
      jobId: string,
      fromPages: number,
      next: ImpactProgress,
      state: JobState,
      at: Date,
      events: readonly PendingEvent[] = [],
    ): Promise<boolean> {
      return advanceWalk('impact', jobId, fromPages, next, state, at, events);
    },

    async get(jobId: string): Promise<Job> {
      const item = await read(keys.job(jobId));
      if (!item) throw new NotFoundError('Job', jobId);
      return Job.parse(withoutKeys(item));
    },

    /**
     * Stores part `n` and notes it on the job, in one transaction, while the job still takes
     * parts. Sending the same part again changes nothing; a different text for a part already in
     * is refused, as the rows already counted came from the first.
     */
    async putPart(
      job: Job,
      part: number,
      text: string,
      summary: PartSummary,
      columns: Job['columns'],
      at: string,
    ): Promise<PartOutcome> {
      const stored = await conditionalWrite(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...keys.jobPart(job.jobId, part),
                  text,
                  sha256: summary.sha256,
                  ttl: ttlOf(job),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: keys.job(job.jobId),
                UpdateExpression: `SET parts.#n = :summary, updatedAt = :at${columns ? ', #columns = :columns' : ''}`,
                ConditionExpression: '#state = :receiving',
                ExpressionAttributeNames: {
                  '#n': String(part),
                  '#state': 'state',
                  ...(columns ? { '#columns': 'columns' } : {}),
                },
                ExpressionAttributeValues: {
                  ':summary': summary,
                  ':at': at,
                  ':receiving': 'receiving',
                  ...(columns ? { ':columns': columns } : {}),
                },
              },
            },
          ],
        }),
      );
      if (stored) return 'stored';
      const earlier = await read(keys.jobPart(job.jobId, part));
      if (earlier) return earlier.sha256 === summary.sha256 ? 'same' : 'different';
      return 'closed';
    },

    /**
     * Receiving → queued, with the total the runner works towards, and what announces it (the
     * runner's `JobRunDue`) in the same transaction; false if already started.
     */
    async start(
      job: Job,
      rowsTotal: number,
      at: string,
      events: readonly PendingEvent[],
    ): Promise<boolean> {
      return commit(
        job.jobId,
        {
          set: ['#state = :queued', 'rowsTotal = :total', 'startedAt = :at', 'updatedAt = :at'],
          condition: '#state = :receiving',
          names: { '#state': 'state' },
          values: {
            ':queued': 'queued',
            ':receiving': 'receiving',
            ':total': rowsTotal,
            ':at': at,
          },
        },
        events,
      );
    },

    async partText(jobId: string, part: number): Promise<string> {
      const item = await read(keys.jobPart(jobId, part));
      if (!item) throw new NotFoundError('Job part', `${jobId}/${part}`);
      return String(item.text);
    },

    /**
     * Moves the checkpoint on, only from where this run found it: of two runs of one job, the
     * second to finish a slice learns it lost and stops. A run handing the rest on commits the
     * `JobRunDue` that continues it with its checkpoint, so the hand-over cannot be lost.
     */
    async advance(
      jobId: string,
      from: JobCheckpoint,
      next: JobProgress,
      events: readonly PendingEvent[] = [],
    ): Promise<boolean> {
      return commit(
        jobId,
        {
          set: [
            'checkpoint = :next',
            'rowsDone = :done',
            '#counts = :counts',
            '#state = :state',
            'updatedAt = :at',
            ...(next.state === 'done' ? ['finishedAt = :at'] : []),
          ],
          condition: 'checkpoint.part = :part AND checkpoint.#row = :row',
          names: { '#counts': 'counts', '#state': 'state', '#row': 'row' },
          values: {
            ':next': next.checkpoint,
            ':done': next.rowsDone,
            ':counts': next.counts,
            ':state': next.state,
            ':at': next.at,
            ':part': from.part,
            ':row': from.row,
          },
        },
        events,
      );
    },

    /**
     * Claims an email for the line that first holds it in this job's file. Returns the earlier
     * line when another line has it; a rerun of the same line (after a crash) finds its own claim.
     */
    async claimEmail(job: Job, email: string, line: number): Promise<number | undefined> {
      const claimed = await conditionalWrite(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.jobEmail(job.jobId, email), line, ttl: ttlOf(job) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (claimed) return undefined;
      const earlier = Number((await read(keys.jobEmail(job.jobId, email)))?.line);
      return earlier === line ? undefined : earlier;
    },

    /** Rejections are keyed by line, so a rerun slice writes the same items again. */
    async putRejections(job: Job, rows: readonly RejectedRow[]): Promise<void> {
      await batchWriteItems(
        tableName,
        rows.map((row) => ({
          PutRequest: {
            Item: { ...keys.jobRejection(job.jobId, row.line), ...row, ttl: ttlOf(job) },
          },
        })),
      );
    },

    /** One page of rejections in line order, after `afterLine`. */
    async rejections(
      jobId: string,
      afterLine: number,
      limit: number,
    ): Promise<{ rows: RejectedRow[]; next?: number }> {
      const { Items = [], LastEvaluatedKey } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :last',
          ExpressionAttributeValues: {
            ':pk': keys.job(jobId).pk,
            ':after': keys.jobRejection(jobId, afterLine + 1).sk,
            ':last': `${keys.jobRejectionPrefix}~`,
          },
          Limit: limit,
        }),
      );
      const rows = Items.map((item) => RejectedRow.parse(withoutKeys(item)));
      const last = rows.at(-1);
      return { rows, ...(LastEvaluatedKey && last ? { next: last.line } : {}) };
    },
  };
};

export type JobStore = ReturnType<typeof createJobStore>;

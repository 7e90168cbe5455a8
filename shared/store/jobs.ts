import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
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
import { batchWriteItems } from '#shared/store/batch';
import { conditionalWrite } from '#shared/store/conditional';
import { keys, withoutKeys } from '#shared/store/keys';
import {
  countedOutboxWrites,
  createVersionedOutbox,
  EVENT_VERSION_ATTRIBUTE,
  type ItemUpdate,
} from '#shared/store/outbox-writes';

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
   * One job, one counter numbering its events: a preview's are numbered by its `preview.pages`
   * (its runs hold the count in hand), every other job's by `eventVersion`, read and moved by the
   * commit. Each write refuses the other kind's item, so the two never number one aggregate.
   */
  const COUNTED_BY_EVENT_VERSION = 'attribute_not_exists(preview)';
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

    /**
     * Creates a job with the events that set it going (its `JobRunDue`), in one transaction: a
     * job is never left waiting for an announcement that was lost.
     */
    async createAnnounced(job: Job, events: readonly PendingEvent[], at: Date): Promise<void> {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
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
          ],
        }),
      );
    },

    /**
     * Moves a preview on by one page, only from the page this run found it at; a hand-over to a
     * fresh run is committed with it, numbered by the page count. False when another run of the
     * same job (a duplicated event) got there first: this one stops.
     */
    async advancePreview(
      jobId: string,
      fromPages: number,
      next: PreviewProgress,
      state: JobState,
      at: Date,
      events: readonly PendingEvent[] = [],
    ): Promise<boolean> {
      return conditionalWrite(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.job(jobId),
                UpdateExpression:
                  'SET preview = :next, #state = :state, updatedAt = :at' +
                  (state === 'done' ? ', finishedAt = :at' : ''),
                ConditionExpression: `preview.pages = :from AND ${COUNTED_BY_PAGES}`,
                ExpressionAttributeNames: { '#state': 'state' },
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

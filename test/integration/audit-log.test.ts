import { spawnSync } from 'node:child_process';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { verifyStream } from '#shared/audit/chain';
import { dynamo } from '#shared/aws';
import { createAuditStore } from '#shared/store/audit';
import { keys } from '#shared/store/keys';
import { TABLE } from './setup';

const audit = createAuditStore(TABLE);
const uniqueStream = (name: string) => `test#${name}#${Math.random().toString(36).slice(2, 10)}`;

const record = (n: number) => ({
  at: new Date(Date.UTC(2026, 2, 2, 9, 0, n)).toISOString(),
  actor: `user-${n % 3}`,
  action: 'post.approve',
  subject: { postId: 'post_audit' },
  before: { status: 'in_review' },
  after: { status: 'approved', n },
});

const entriesOf = async (stream: string) => {
  const all = [];
  for await (const page of audit.entriesOf(stream)) all.push(...page);
  return all;
};

/** `npm run audit:verify` as an operator runs it against a table (here DynamoDB Local). */
const runVerify = () =>
  spawnSync('npm', ['run', '--silent', 'audit:verify', '--', '--table', TABLE], {
    encoding: 'utf8',
    env: process.env,
  });

describe('audit log on DynamoDB Local', () => {
  it('keeps a gap-free chain when many writers append to one stream at once', async () => {
    const stream = uniqueStream('race');
    await Promise.all(
      Array.from({ length: 12 }, (_, n) => audit.commit({ stream, records: [record(n)] })),
    );
    const entries = await entriesOf(stream);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(verifyStream(stream, entries)).toBeUndefined();
  });

  it('records a deduplicated step once, however often it runs', async () => {
    const stream = uniqueStream('dedupe');
    const write = { stream, records: [record(1)], dedupeKey: `${stream}#once` };
    expect(await audit.commit(write)).toHaveLength(1);
    expect(await audit.commit(write)).toHaveLength(0);
    expect(await entriesOf(stream)).toHaveLength(1);
  });

  it('filters by post, actor and time', async () => {
    const stream = uniqueStream('filters');
    const postId = `post_${stream.slice(-8)}`;
    await audit.commit({
      stream,
      records: [1, 2, 3, 4].map((n) => ({ ...record(n), subject: { postId } })),
    });
    const range = { from: '2026-03-02T09:00:00.000Z', to: '2026-03-02T10:00:00.000Z' };
    const byPost = await audit.list({ postId, ...range, limit: 10 });
    expect(byPost.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const byPostAndActor = await audit.list({ postId, actor: 'user-1', ...range, limit: 10 });
    expect(byPostAndActor.entries.map((e) => e.seq)).toEqual([1, 4]);
    const narrow = await audit.list({
      postId,
      from: '2026-03-02T09:00:02.000Z',
      to: '2026-03-02T09:00:03.000Z',
      limit: 10,
    });
    expect(narrow.entries.map((e) => e.seq)).toEqual([2, 3]);
    const firstPage = await audit.list({ postId, ...range, limit: 3 });
    const secondPage = await audit.list({ postId, ...range, limit: 3, cursor: firstPage.cursor });
    expect([...firstPage.entries, ...secondPage.entries].map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('audit:verify finds an edited entry and a deleted one, and passes once they are restored', async () => {
    const stream = uniqueStream('tamper');
    await audit.commit({ stream, records: [1, 2, 3].map(record) });
    const key = keys.auditEntry(stream, 2);
    const { Item: original } = await dynamo().send(new GetCommand({ TableName: TABLE, Key: key }));
    expect(runVerify().status).toBe(0);
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: 'SET actor = :someoneElse',
          ExpressionAttributeValues: { ':someoneElse': 'user-innocent' },
        }),
      );
      const edited = runVerify();
      expect(edited.status).toBe(1);
      expect(edited.stderr).toContain(`stream ${stream}, entry 2: its content does not match`);

      await dynamo().send(new DeleteCommand({ TableName: TABLE, Key: key }));
      const deleted = runVerify();
      expect(deleted.status).toBe(1);
      expect(deleted.stderr).toContain(`stream ${stream}, entry 2: entry 2 is missing`);
    } finally {
      await dynamo().send(new PutCommand({ TableName: TABLE, Item: original }));
    }
    const restored = runVerify();
    expect(restored.stdout).toMatch(/audit log intact/);
    expect(restored.status).toBe(0);
    // Four runs of the command, each a fresh Node process compiling TypeScript.
  }, 120_000);
});

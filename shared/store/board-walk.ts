import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { rankKey } from '#shared/recognition/leaderboard';

/** One ranked partition being read: where the next page starts, and the key last read. */
interface Lane {
  pk: string;
  startKey?: Record<string, unknown> | undefined;
  /** The last ranked key read: nothing unread in this lane has a better (smaller) key. */
  bound?: string;
  done: boolean;
}

export interface WalkRequest<T> {
  tableName: string;
  /** Ranked partitions of gsi1 to merge (one board, or the rolling window's days). */
  partitions: readonly string[];
  /**
   * A read item's points now. A ranked key is never better than the item's points now: equal for
   * week, month and quarter; for the rolling window, days may have left it since it was written.
   */
  pointsOf: (item: Record<string, unknown>) => number;
  /** Who of a page counts on this board (on board, not hidden, in the segment), with their data. */
  admit: (employeeIds: readonly string[]) => Promise<Map<string, T>>;
  size: number;
  /** The most items one walk may read, whatever the directory's size. */
  maxItems: number;
}

export interface Walked<T> {
  employeeId: string;
  points: number;
  with: T;
}

export interface WalkResult<T> {
  /** The best `size` admitted people, best first (points, then employee id, as boards rank). */
  top: Walked<T>[];
  /** False when the read budget ran out before the top could be known for sure. */
  complete: boolean;
  itemsRead: number;
}

/**
 * The top of a board read from its ranked index, in bounded work: lanes are read page by page in
 * key order, and reading stops once no unread item could beat the `size`-th admitted person (a
 * lane's last key bounds everything after it), or when `maxItems` have been read — then the
 * answer says it is not complete rather than reading on.
 */
export const walkBoard = async <T>(request: WalkRequest<T>): Promise<WalkResult<T>> => {
  const { size, maxItems } = request;
  const lanes: Lane[] = request.partitions.map((pk) => ({ pk, done: false }));
  const found = new Map<string, Walked<T> & { key: string }>();
  let itemsRead = 0;
  const threshold = () => {
    if (found.size < size) return undefined;
    return [...found.values()].map((f) => f.key).sort()[size - 1];
  };
  const open = () => {
    const kth = threshold();
    return lanes.filter(
      (lane) => !lane.done && (kth === undefined || lane.bound === undefined || lane.bound < kth),
    );
  };
  for (let next = open(); next.length > 0; next = open()) {
    const budget = maxItems - itemsRead;
    if (budget <= 0) break;
    const limit = Math.max(1, Math.min(Math.max(size, 25), Math.floor(budget / next.length)));
    const pages = await Promise.all(
      next.slice(0, budget).map(async (lane) => {
        const page = await dynamo().send(
          new QueryCommand({
            TableName: request.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': lane.pk },
            Limit: limit,
            ...(lane.startKey ? { ExclusiveStartKey: lane.startKey } : {}),
          }),
        );
        const items = page.Items ?? [];
        lane.startKey = page.LastEvaluatedKey;
        lane.done = !page.LastEvaluatedKey;
        const last = items.at(-1);
        if (last) lane.bound = String(last.gsi1sk);
        return items;
      }),
    );
    const items = pages.flat();
    itemsRead += items.length;
    const scored = items
      .map((item) => ({ employeeId: String(item.employeeId), points: request.pointsOf(item) }))
      .filter((s) => s.points > 0);
    const admitted = await request.admit(scored.map((s) => s.employeeId));
    for (const s of scored) {
      const data = admitted.get(s.employeeId);
      if (data !== undefined) {
        found.set(s.employeeId, { ...s, with: data, key: rankKey(s.points, s.employeeId) });
      }
    }
  }
  const top = [...found.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).slice(0, size);
  return {
    top: top.map(({ key: _key, ...rest }) => rest),
    complete: open().length === 0,
    itemsRead,
  };
};

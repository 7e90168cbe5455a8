import { describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { Segment } from '#shared/employees/segment';
import { UnprocessableError } from '#shared/errors';
import { createAuditStore } from '#shared/store/audit';
import { createSegmentStore, MAX_SEGMENTS } from '#shared/store/segments';
import { apiEvent, callApi } from '../fixtures/api-events';
import { TABLE } from './setup';

/**
 * Segments are read whole wherever they are compiled (targets, team figures, boards, previews):
 * the cap on how many a company defines is what keeps those reads bounded.
 */
const segment = (segmentId: string, at = new Date()): Segment => ({
  segmentId,
  name: segmentId,
  rule: { all: [{ attribute: 'department', in: [segmentId] }] },
  updatedBy: 'admin',
  updatedAt: at.toISOString(),
});

describe('the cap on segments', () => {
  it('refuses a new segment beyond the cap with 422, still redefines existing ones, and holds when two are created at once', async () => {
    // Its own partition of the table would be shared with other tests: a small cap over what
    // is there already.
    const audit = createAuditStore(TABLE);
    const defined = (await createSegmentStore(TABLE, audit).all()).length;
    const store = createSegmentStore(TABLE, audit, { maxSegments: defined + 2 });
    await store.put(segment('cap-a'), undefined);
    // Two at once for the last place: exactly one of them gets it.
    const raced = await Promise.allSettled([
      store.put(segment('cap-b'), undefined),
      store.put(segment('cap-c'), undefined),
    ]);
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.all()).length).toBe(defined + 2);
    await expect(store.put(segment('cap-d'), undefined)).rejects.toBeInstanceOf(UnprocessableError);
    // Redefining one that exists is never refused by the cap.
    const a = await store.get('cap-a');
    await store.put({ ...segment('cap-a', new Date(Date.now() + 1000)), name: 'A again' }, a);
    expect((await store.get('cap-a')).name).toBe('A again');
  });

  it('answers 422 too_many_segments through the API, naming the cap', async () => {
    const deps = createApiDependencies({ TABLE_NAME: TABLE });
    const audit = createAuditStore(TABLE);
    const full = { ...deps, segments: createSegmentStore(TABLE, audit, { maxSegments: 0 }) };
    const response = await callApi(
      apiEvent(
        'PUT /segments/{segmentId}',
        { sub: 'admin-cap', email: 'admin-cap@acme.example', groups: ['admin'] },
        {
          pathParameters: { segmentId: 'one-too-many' },
          body: JSON.stringify({
            name: 'One too many',
            rule: { all: [{ attribute: 'department', in: ['x'] }] },
          }),
        },
      ),
      full,
    );
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body ?? '{}').error).toMatchObject({ code: 'too_many_segments' });
    expect(MAX_SEGMENTS).toBe(500);
  });
});

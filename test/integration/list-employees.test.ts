import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { Employee } from '#shared/employees/employee';
import { apiEvent, callApi } from '../fixtures/api-events';
import { TABLE } from './setup';

/**
 * `GET /employees` against DynamoDB Local: the directory in name order from its index, a name
 * prefix, an exact email through the email item, filters within a bounded page, paging that
 * finds everyone once, and the name key following every write that sets a name.
 */
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const roles = { ada: ['admin'], mia: ['marketing'], lou: ['legal'], eve: ['employee'] } as const;
type Person = keyof typeof roles;

const call = (
  who: Person,
  routeKey: string,
  options: {
    body?: unknown;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `sub-${who}`, email: `${who}@acme.example`, groups: roles[who] },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
        ...(options.query ? { query: options.query } : {}),
      },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const list = async (query: Record<string, string>) => {
  const answer = await call('ada', 'GET /employees', { query });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { employees: Employee[]; cursor?: string };
};
const names = (employees: readonly Employee[]) => employees.map((e) => e.name);

const PEOPLE = [
  { name: 'Zoë Adams', department: 'Sales', location: 'Lisbon' },
  { name: 'Ana Lima', department: 'Sales', location: 'Porto' },
  { name: 'Émile Zola', department: 'Legal', location: 'Lisbon' },
  { name: 'anders berg', department: 'Sales', location: 'Lisbon' },
  { name: 'Bo Chen', department: 'Marketing', location: 'Porto' },
];
const emailOf = (name: string) =>
  `${name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')}@acme.example`;
const ids: Record<string, string> = {};

beforeAll(async () => {
  for (const person of PEOPLE) {
    const created = await call('ada', 'POST /employees', {
      body: { ...person, email: emailOf(person.name) },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ids[person.name] = created.body.employee.employeeId;
  }
  // One deactivated, so status has something to filter.
  const off = await call('ada', 'PUT /employees/{employeeId}/status', {
    pathParameters: { employeeId: ids['Bo Chen'] ?? '' },
    body: { status: 'deactivated' },
  });
  expect(off.status, JSON.stringify(off.body)).toBe(200);
});

describe('GET /employees', () => {
  it('lists the directory in name order, case and accents folded', async () => {
    expect(names((await list({})).employees)).toEqual([
      'Ana Lima',
      'anders berg',
      'Bo Chen',
      'Émile Zola',
      'Zoë Adams',
    ]);
  });

  it('finds names by prefix', async () => {
    expect(names((await list({ name: 'an' })).employees)).toEqual(['Ana Lima', 'anders berg']);
    expect(names((await list({ name: 'emile' })).employees)).toEqual(['Émile Zola']);
    expect(names((await list({ name: 'ZOË a' })).employees)).toEqual(['Zoë Adams']);
    expect((await list({ name: 'xavier' })).employees).toEqual([]);
  });

  it('finds one person by exact email, or nobody', async () => {
    const found = await list({ email: emailOf('Émile Zola').toUpperCase() });
    expect(found.employees.map((e) => e.employeeId)).toEqual([ids['Émile Zola']]);
    expect(found.cursor).toBeUndefined();
    expect((await list({ email: 'nobody@acme.example' })).employees).toEqual([]);
    expect((await list({ email: emailOf('Émile Zola'), department: 'Sales' })).employees).toEqual(
      [],
    );
  });

  it('filters by department, location and status', async () => {
    expect(names((await list({ department: 'Sales', location: 'Lisbon' })).employees)).toEqual([
      'anders berg',
      'Zoë Adams',
    ]);
    expect(names((await list({ status: 'deactivated' })).employees)).toEqual(['Bo Chen']);
    expect(names((await list({ name: 'a', location: 'Porto' })).employees)).toEqual(['Ana Lima']);
  });

  it('pages finding everyone exactly once, with and without filters', async () => {
    for (const query of [{}, { location: 'Lisbon' }] as Record<string, string>[]) {
      const whole = names((await list(query)).employees);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ ...query, limit: '2', ...(cursor ? { cursor } : {}) });
        seen.push(...names(page.employees));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toEqual(whole);
    }
  });

  it('reads at most its budget for a filtered page, answering a cursor while more may match', async () => {
    const counts: number[] = [];
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.employees.list(
        { department: 'Legal' },
        { limit: 10, budget: 2, ...(cursor ? { cursor } : {}) },
      );
      counts.push(page.employees.length);
      seen.push(...names(page.employees));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(['Émile Zola']);
    expect(counts).toEqual([0, 1, 0]);
  });

  it('refuses a forged cursor, and email with a name, with a 400', async () => {
    const forged = Buffer.from(
      JSON.stringify({ pk: 'POST#x', sk: 'PROFILE', gsi3pk: 'DIRECTORY_NAMES', gsi3sk: 'a#b' }),
    ).toString('base64url');
    expect((await call('ada', 'GET /employees', { query: { cursor: forged } })).status).toBe(400);
    expect(
      (await call('ada', 'GET /employees', { query: { email: 'a@acme.example', name: 'a' } }))
        .status,
    ).toBe(400);
    expect((await call('ada', 'GET /employees', { query: { name: '---' } })).status).toBe(400);
  });

  it('is for admins only, as the directory is', async () => {
    for (const who of ['mia', 'lou', 'eve'] as const) {
      expect((await call(who, 'GET /employees')).status).toBe(403);
    }
  });
});

describe('the name key follows every write that sets a name', () => {
  it('an edit and an import move the person in name order', async () => {
    const id = ids['Ana Lima'] ?? '';
    const edited = await call('ada', 'PATCH /employees/{employeeId}', {
      pathParameters: { employeeId: id },
      body: { version: 1, name: 'Yara Lima' },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((await list({ name: 'ana' })).employees).toEqual([]);
    expect(names((await list({ name: 'yara' })).employees)).toEqual(['Yara Lima']);

    await deps.employees.importOne(
      { email: emailOf('Ana Lima'), name: 'Carla Lima', groups: [], timeZone: 'UTC' },
      new Date(),
    );
    expect((await list({ name: 'yara' })).employees).toEqual([]);
    expect(names((await list({ name: 'carla' })).employees)).toEqual(['Carla Lima']);
    expect(names((await list({})).employees)).toEqual([
      'anders berg',
      'Bo Chen',
      'Carla Lima',
      'Émile Zola',
      'Zoë Adams',
    ]);
  });

  it('an import that creates a person lists them', async () => {
    expect(
      await deps.employees.importOne(
        { email: 'dana@acme.example', name: 'Dana Ortiz', groups: [], timeZone: 'UTC' },
        new Date(),
      ),
    ).toBe('created');
    expect(names((await list({ name: 'dan' })).employees)).toEqual(['Dana Ortiz']);
  });
});

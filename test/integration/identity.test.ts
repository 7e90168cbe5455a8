import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { runDirectoryImport } from '#functions/job-runner/import-directory';
import { dynamo } from '#shared/aws';
import { noConsent } from '#shared/employees/consent';
import { sha256 } from '#shared/hash';
import { employeeItem } from '#shared/store/employees';
import { keys } from '#shared/store/keys';
import { apiEvent, callApi, type TestCaller } from '../fixtures/api-events';
import { TABLE } from './setup';

/**
 * A person is the token's `sub`. The directory links a sub to an employee once, through a
 * verified email; after that the token's email decides nothing. Every scenario below is what
 * someone who can edit their own email (or holds the wrong kind of token) would try.
 */
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
};
const run = Math.random().toString(36).slice(2, 8);
const emailOf = (name: string) => `${name}-${run}@identity.acme.example`;
const subOf = (name: string) => `sub-${name}-${run}`;
const admin: TestCaller = { sub: `admin-${run}`, email: emailOf('admin'), groups: ['admin'] };

const call = (
  who: TestCaller,
  routeKey: string,
  options: { body?: unknown; network?: string } = {},
) =>
  callApi(
    apiEvent(routeKey, who, {
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.network ? { pathParameters: { network: options.network } } : {}),
    }),
    deps,
  ).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body ?? '{}') }));

/** The person as they sign in honestly: their own sub, their own verified email. */
const person = (name: string, overrides: Partial<TestCaller> = {}): TestCaller => ({
  sub: subOf(name),
  email: emailOf(name),
  groups: ['employee'],
  ...overrides,
});

const hire = async (name: string): Promise<string> => {
  const created = await call(admin, 'POST /employees', {
    body: { email: emailOf(name), name: `${name} Example` },
  });
  expect(created.status).toBe(201);
  return created.body.employee.employeeId;
};

const link = (sub: string) =>
  dynamo()
    .send(new GetCommand({ TableName: TABLE, Key: keys.identity(sub), ConsistentRead: true }))
    .then((r) => r.Item);

const ids: Record<string, string> = {};
beforeAll(async () => {
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina']) {
    ids[name] = await hire(name);
  }
  // Bob, the colleague, signed in, connected the sandbox and turned auto-share on.
  expect((await call(person('bob'), 'GET /me')).status).toBe(200);
  const connected = await call(person('bob'), 'PUT /me/connections/{network}', {
    network: 'sandbox',
    body: { handle: `bob-${run}` },
  });
  expect(connected.status).toBe(200);
  const consented = await call(person('bob'), 'PUT /me/consent', {
    body: { networks: { sandbox: { autoShare: true } } },
  });
  expect(consented.status).toBe(200);
  // Alice, the attacker, signed in once as herself.
  expect((await call(person('alice'), 'GET /me')).body.employee.employeeId).toBe(ids.alice);
});

describe('a token whose email was changed to a colleague’s', () => {
  const bobBefore = () => deps.employees.get(ids.bob as string);

  it('shows the attacker her own record when the changed email is verified', async () => {
    const attacker = person('alice', { email: emailOf('bob') });
    const me = await call(attacker, 'GET /me');
    expect(me.status).toBe(200);
    expect(me.body.employee.employeeId).toBe(ids.alice);
    expect(me.body.employee.email).toBe(emailOf('alice'));
  });

  it('is refused with a 403 when the changed email is not verified', async () => {
    const attacker = person('alice', { email: emailOf('bob'), emailVerified: false });
    const me = await call(attacker, 'GET /me');
    expect(me.status).toBe(403);
    expect(me.body.error.message).toMatch(/verified/);
  });

  it('leaves the colleague’s connections and consent untouched, verified or not', async () => {
    const before = await bobBefore();
    for (const emailVerified of [true, false]) {
      const attacker = person('alice', { email: emailOf('bob'), emailVerified });
      await call(attacker, 'PUT /me/consent', { body: { paused: true } });
      await call(attacker, 'POST /me/leave');
      await call(attacker, 'DELETE /me/connections/{network}', { network: 'sandbox' });
      const connections = await call(attacker, 'GET /me/connections');
      expect(JSON.stringify(connections.body)).not.toContain(`bob-${run}`);
    }
    const after = await bobBefore();
    expect(after.consent).toEqual(before.consent);
    expect(after.connections).toEqual(before.connections);
    expect(await deps.employees.getConnection(ids.bob as string, 'sandbox')).toBeDefined();
  });

  it('cannot take over a colleague who never signed in: a sub already linked stays with its employee', async () => {
    const attacker = person('alice', { email: emailOf('gina') });
    const me = await call(attacker, 'GET /me');
    expect(me.body.employee.employeeId).toBe(ids.alice);
    expect(await link(subOf('alice'))).toMatchObject({ employeeId: ids.alice });
    // Gina can still sign in as herself afterwards.
    expect((await call(person('gina'), 'GET /me')).body.employee.employeeId).toBe(ids.gina);
  });
});

describe('signing in', () => {
  it('refuses an access token with a 401: the API takes ID tokens only', async () => {
    const me = await call(person('bob', { tokenUse: 'access' }), 'GET /me');
    expect(me.status).toBe(401);
    expect(me.body.error.message).toMatch(/ID token/);
  });

  it('does not link through an unverified email, and links once it is verified', async () => {
    const unverified = await call(person('carol', { emailVerified: false }), 'GET /me');
    expect(unverified.status).toBe(403);
    expect(await link(subOf('carol'))).toBeUndefined();

    const verified = await call(person('carol'), 'GET /me');
    expect(verified.status).toBe(200);
    expect(verified.body.employee.employeeId).toBe(ids.carol);
    expect(await link(subOf('carol'))).toMatchObject({ employeeId: ids.carol });
  });

  it('keeps the original employee when a linked sub later signs in with another verified email', async () => {
    expect((await call(person('dave'), 'GET /me')).body.employee.employeeId).toBe(ids.dave);
    // Dave's sign-in now says Erin's address (Erin has not signed in yet), verified.
    const renamed = await call(person('dave', { email: emailOf('erin') }), 'GET /me');
    expect(renamed.status).toBe(200);
    expect(renamed.body.employee.employeeId).toBe(ids.dave);
    expect(await link(subOf('dave'))).toMatchObject({
      employeeId: ids.dave,
      email: emailOf('dave'),
    });
    // An address no one in the directory has changes nothing either.
    const elsewhere = await call(person('dave', { email: emailOf('nobody') }), 'GET /me');
    expect(elsewhere.body.employee.employeeId).toBe(ids.dave);
  });

  it('never links a second sub to an employee already linked', async () => {
    expect((await call(person('frank'), 'GET /me')).status).toBe(200);
    const other = person('frank', { sub: subOf('frank-again') });
    const me = await call(other, 'GET /me');
    expect(me.status).toBe(403);
    expect(await link(subOf('frank-again'))).toBeUndefined();
    expect(await link(subOf('frank'))).toMatchObject({ employeeId: ids.frank });
  });

  it('links one sub when two first sign-ins of the same person race', async () => {
    const id = await hire('hank');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call(person('hank'), 'GET /me')),
    );
    expect(answers.map((a) => [a.status, a.body.employee?.employeeId])).toEqual(
      Array.from({ length: 4 }, () => [200, id]),
    );
  });

  it('refuses a stranger with a verified email the directory does not have', async () => {
    const me = await call(person('stranger'), 'GET /me');
    expect(me.status).toBe(403);
    expect(await link(subOf('stranger'))).toBeUndefined();
  });
});

describe('the directory’s ids', () => {
  /** The import runs as a job: started here, run to its end, its report read back. */
  const importCsv = async (rows: string[]) => {
    const opened = await call(admin, 'POST /employees/import', {
      body: { csv: ['email,name,department', ...rows].join('\n') },
    });
    expect(opened.status).toBe(202);
    const due = { jobId: opened.body.job.jobId as string };
    expect(await runDirectoryImport(due, deps, () => 15 * 60_000)).toBe('done');
    const job = await deps.jobs.get(due.jobId);
    const page = await deps.jobs.rejections(due.jobId, 0, 100);
    return { body: { ...job.counts, rejected: page.rows } };
  };

  it('keeps the id drawn at creation when the import matches the person by email', async () => {
    const id = await hire('ivan');
    const imported = await importCsv([`${emailOf('ivan')},Ivan Example,Sales`]);
    expect(imported.body).toMatchObject({ created: 0, updated: 1 });
    const ivan = await deps.employees.get(id);
    expect(ivan).toMatchObject({ employeeId: id, department: 'Sales' });
    expect(await deps.employees.findByEmail(emailOf('ivan'))).toBe(id);
  });

  it('creates each new person of an import once, with an id of their own', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `bulk${i}`);
    const rows = names.map((n) => `${emailOf(n)},${n} Example,Ops`);
    expect((await importCsv(rows)).body).toMatchObject({ created: 40, rejected: [] });
    expect((await importCsv(rows)).body).toMatchObject({ created: 0, unchanged: 40 });
    const found = await Promise.all(names.map((n) => deps.employees.findByEmail(emailOf(n))));
    expect(new Set(found).size).toBe(40);
  });

  it('finds an entry made when ids followed from emails, so the import and sign-in still match it', async () => {
    const email = emailOf('legacy');
    const legacyId = `emp_${sha256(email).slice(0, 20)}`;
    await dynamo().send(
      new PutCommand({
        TableName: TABLE,
        Item: employeeItem({
          employeeId: legacyId,
          version: 1,
          email,
          name: 'Legacy Example',
          groups: [],
          timeZone: 'UTC',
          status: 'active',
          createdAt: new Date().toISOString(),
          consent: noConsent(),
          connections: {},
        }),
      }),
    );
    const imported = await importCsv([`${email},Legacy Example,Ops`]);
    expect(imported.body).toMatchObject({ created: 0, updated: 1 });
    const me = await call(person('legacy'), 'GET /me');
    expect(me.body.employee).toMatchObject({ employeeId: legacyId, department: 'Ops' });
  });
});

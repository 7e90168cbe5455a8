import { describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { ApiEvent } from '#functions/api/http';
import { apiEvent, callApi } from '../fixtures/api-events';
import { TABLE } from './setup';

const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
};
const admin = { sub: 'user-admin', email: 'admin@acme.example', groups: ['admin'] };

const call = async (
  routeKey: string,
  options: { employeeId?: string; body?: unknown; ifMatch?: string } = {},
) => {
  const event: ApiEvent = apiEvent(routeKey, admin, {
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.employeeId ? { pathParameters: { employeeId: options.employeeId } } : {}),
  });
  if (options.ifMatch) event.headers = { 'if-match': options.ifMatch };
  const response = await callApi(event, deps);
  return {
    status: response.statusCode,
    etag: String(response.headers?.etag),
    body: JSON.parse(String(response.body)),
  };
};

const hire = async (email: string) => {
  const created = await call('POST /employees', {
    body: {
      email,
      name: 'Ada Example',
      department: 'Sales',
      groups: ['emea', 'mentors'],
      timeZone: 'Europe/Berlin',
      manager: 'boss@acme.example',
    },
  });
  expect(created.status).toBe(201);
  return String(created.body.employee.employeeId);
};

describe('changing a directory entry', () => {
  it('changes only the fields sent: a new location keeps the groups and the time zone', async () => {
    const employeeId = await hire('ada.patch@acme.example');
    const read = await call('GET /employees/{employeeId}', { employeeId });
    expect(read.etag).toBe('"1"');
    const moved = await call('PATCH /employees/{employeeId}', {
      employeeId,
      body: { location: 'London', manager: null },
      ifMatch: read.etag,
    });
    expect(moved.status).toBe(200);
    expect(moved.etag).toBe('"2"');
    const after = (await call('GET /employees/{employeeId}', { employeeId })).body.employee;
    expect(after).toMatchObject({
      location: 'London',
      department: 'Sales',
      groups: ['emea', 'mentors'],
      timeZone: 'Europe/Berlin',
      version: 2,
    });
    expect(after).not.toHaveProperty('manager');
  });

  it('refuses a change made against a version that is no longer the latest, and one with none', async () => {
    const employeeId = await hire('ben.patch@acme.example');
    const first = await call('PATCH /employees/{employeeId}', {
      employeeId,
      body: { location: 'Paris', version: 1 },
    });
    expect(first.status).toBe(200);
    const stale = await call('PATCH /employees/{employeeId}', {
      employeeId,
      body: { groups: [] },
      ifMatch: '"1"',
    });
    expect(stale.status).toBe(409);
    const unversioned = await call('PATCH /employees/{employeeId}', {
      employeeId,
      body: { groups: [] },
    });
    expect(unversioned.status).toBe(400);
    expect(
      (await call('GET /employees/{employeeId}', { employeeId })).body.employee.groups,
    ).toEqual(['emea', 'mentors']);
  });

  it('answers a change that names no field with the entry as it is: no write, no new version', async () => {
    const employeeId = await hire('cy.patch@acme.example');
    const bare = await call('PATCH /employees/{employeeId}', { employeeId, body: { version: 1 } });
    expect(bare.status).toBe(200);
    expect(bare.etag).toBe('"1"');
    expect(bare.body.employee).toMatchObject({ version: 1, department: 'Sales' });
    const empty = await call('PATCH /employees/{employeeId}', {
      employeeId,
      body: {},
      ifMatch: '"1"',
    });
    expect(empty.status).toBe(200);
    // Still bound to the version read: a stale one is refused even when nothing would change.
    await call('PATCH /employees/{employeeId}', {
      employeeId,
      body: { location: 'Oslo', version: 1 },
    });
    const stale = await call('PATCH /employees/{employeeId}', { employeeId, body: { version: 1 } });
    expect(stale.status).toBe(409);
  });

  it('answers 404 for someone not in the directory', async () => {
    const missing = await call('PATCH /employees/{employeeId}', {
      employeeId: 'emp_nobody',
      body: { location: 'Rome' },
      ifMatch: '"1"',
    });
    expect(missing.status).toBe(404);
  });
});

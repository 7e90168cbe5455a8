import { z } from 'zod';
import { etag, expectedVersion, fieldIssues } from '#functions/api/http';
import { defineRoute } from '#functions/api/route';
import { noConsent } from '#shared/employees/consent';
import { parseCsv, readHeader, rowObject } from '#shared/employees/csv';
import { Employee, EmployeeRequest, EmployeeUpdate } from '#shared/employees/employee';
import { ConflictError, type FieldIssue, ValidationError } from '#shared/errors';
import { newEmployeeId } from '#shared/ids';

const EmployeePath = z.strictObject({ employeeId: z.string().min(1).max(100) });
const EmployeeAnswer = z.object({ employee: Employee });

export const createEmployee = defineRoute({
  summary: 'Add a person to the employee directory (their id is drawn once, here, and kept)',
  tag: 'employees',
  roles: ['admin'],
  body: EmployeeRequest,
  idempotent: true,
  response: { status: 201, description: 'The employee', schema: EmployeeAnswer },
  errors: [409],
  async handle({ body, deps }) {
    const employee = Employee.parse({
      ...body,
      employeeId: newEmployeeId(),
      status: 'active',
      createdAt: deps.now().toISOString(),
      consent: noConsent(),
      connections: {},
    });
    await deps.employees.create(employee);
    return { status: 201, body: { employee } };
  },
});

export const getEmployee = defineRoute({
  summary: 'Read one person in the directory',
  tag: 'employees',
  roles: ['admin'],
  params: EmployeePath,
  response: { status: 200, description: 'The employee', schema: EmployeeAnswer },
  errors: [404],
  async handle({ params, deps }) {
    const employee = await deps.employees.get(params.employeeId);
    return { status: 200, body: { employee }, headers: { etag: etag(employee.version) } };
  },
});

export const updateEmployee = defineRoute({
  summary: 'Change some directory attributes (name, department, location, groups, …)',
  description:
    'Only the fields sent change; `null` clears an optional one. Send the version read (`If-Match` with the ETag of `GET /employees/{employeeId}`, or `version`): a stale one is 409. Consent and connections belong to the employee and are not changed here.',
  tag: 'employees',
  roles: ['admin'],
  params: EmployeePath,
  body: EmployeeUpdate,
  ifMatch: true,
  response: { status: 200, description: 'The employee', schema: EmployeeAnswer },
  errors: [404, 409],
  async handle({ params, body, caller, deps, request }) {
    const { version, ...change } = body;
    const current = await deps.employees.get(params.employeeId);
    const editing = expectedVersion(request, version);
    if (editing !== current.version) {
      throw new ConflictError(
        `You changed version ${editing} but employee ${current.employeeId} is at version ${current.version}; reload it`,
      );
    }
    const employee = await deps.employees.update(current, change, caller.userId, deps.now());
    return { status: 200, body: { employee }, headers: { etag: etag(employee.version) } };
  },
});

export const setEmployeeStatus = defineRoute({
  summary: 'Deactivate (or reactivate) a person; deactivation stops every pending share for them',
  tag: 'employees',
  roles: ['admin'],
  params: EmployeePath,
  body: z.strictObject({ status: Employee.shape.status }),
  response: { status: 200, description: 'The employee', schema: EmployeeAnswer },
  errors: [404],
  async handle({ params, body, caller, deps }) {
    const current = await deps.employees.get(params.employeeId);
    const employee =
      current.status === body.status
        ? current
        : await deps.employees.setStatus(current, body.status, caller.userId, deps.now());
    return { status: 200, body: { employee } };
  },
});

/** A request handler has seconds, not minutes: bigger exports are split into files. */
const MAX_ROWS = 5_000;
const IMPORT_CONCURRENCY = 16;

const RejectedRow = z.object({
  line: z.number().int(),
  email: z.string().optional(),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
});

export const importEmployees = defineRoute({
  summary: 'Import the directory from CSV; good rows are imported, bad rows are reported',
  description:
    'Send `text/csv` (or JSON `{"csv": "..."}`). Columns: email, name, department, location, groups (separated by `;`), language, timeZone, manager, jurisdiction. People are matched by email to their directory entry (a new person gets an id once, which never changes), so importing the same file again changes nothing; attributes left empty are removed.',
  tag: 'employees',
  roles: ['admin'],
  body: z.strictObject({ csv: z.string().min(1).max(6_000_000) }),
  response: {
    status: 200,
    description: 'What happened to each row',
    schema: z.object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      rejected: z.array(RejectedRow),
    }),
  },
  async handle({ body, caller, deps }) {
    const [header, ...rows] = parseCsv(body.csv);
    if (!header) {
      throw new ValidationError('The file is empty', [{ field: 'csv', message: 'no header row' }]);
    }
    const read = readHeader(header.fields);
    if ('problems' in read) {
      throw new ValidationError(
        'The header row is not one this import understands',
        read.problems.map((p) => ({ field: `csv.header.${p.column}`, message: p.message })),
      );
    }
    if (rows.length > MAX_ROWS) {
      throw new ValidationError(`At most ${MAX_ROWS} rows per file; split the export`, [
        { field: 'csv', message: `${rows.length} rows` },
      ]);
    }
    const rejected: z.infer<typeof RejectedRow>[] = [];
    const good: EmployeeRequest[] = [];
    const firstLineOf = new Map<string, number>();
    for (const row of rows) {
      const candidate = rowObject(read.columns, row.fields);
      const parsed = EmployeeRequest.safeParse(candidate);
      const email = typeof candidate.email === 'string' ? candidate.email : undefined;
      if (!parsed.success) {
        rejected.push({ line: row.line, email, problems: fieldIssues(parsed.error) });
        continue;
      }
      const earlier = firstLineOf.get(parsed.data.email);
      if (earlier !== undefined) {
        const problem: FieldIssue = { field: 'email', message: `same person as line ${earlier}` };
        rejected.push({ line: row.line, email, problems: [problem] });
        continue;
      }
      firstLineOf.set(parsed.data.email, row.line);
      good.push(parsed.data);
    }
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const at = deps.now();
    for (let start = 0; start < good.length; start += IMPORT_CONCURRENCY) {
      const outcomes = await Promise.all(
        good
          .slice(start, start + IMPORT_CONCURRENCY)
          .map((request) => deps.employees.importOne(request, at)),
      );
      for (const outcome of outcomes) counts[outcome] += 1;
    }
    await deps.audit.commit({
      stream: 'directory',
      records: [
        {
          at: at.toISOString(),
          actor: caller.userId,
          action: 'directory.imported',
          subject: {},
          before: null,
          after: { ...counts, rejected: rejected.length },
        },
      ],
    });
    return { status: 200, body: { ...counts, rejected } };
  },
});

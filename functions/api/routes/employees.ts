import { z } from 'zod';
import { JobAnswer, jobAnswer } from '#functions/api/answers/job';
import { etag, expectedVersion } from '#functions/api/http';
import {
  checkPart,
  importRunDue,
  openImport,
  startedImport,
} from '#functions/api/jobs/directory-import';
import { defineRoute } from '#functions/api/route';
import { VersionETag } from '#functions/api/schemas';
import { noConsent } from '#shared/employees/consent';
import { Employee, EmployeeRequest, EmployeeUpdate } from '#shared/employees/employee';
import { ConflictError, ValidationError } from '#shared/errors';
import { newEmployeeId } from '#shared/ids';
import { MAX_PARTS } from '#shared/jobs/job';
import { boardVisibilityWrites } from '#shared/recognition/board-visibility';

const EmployeePath = z.strictObject({ employeeId: z.string().min(1).max(100) });
const EmployeeAnswer = z.object({ employee: Employee });

export const createEmployee = defineRoute({
  summary: 'Add a person to the employee directory (their id is drawn once, here, and kept)',
  tag: 'employees',
  roles: ['admin'],
  body: EmployeeRequest,
  idempotent: true,
  response: { status: 201, description: 'The employee', schema: EmployeeAnswer },
  conflicts: ['A person with this email is in the directory already'],
  async handle({ body, deps, answerWrites }) {
    const employee = Employee.parse({
      ...body,
      employeeId: newEmployeeId(),
      status: 'active',
      createdAt: deps.now().toISOString(),
      consent: noConsent(),
      connections: {},
    });
    const answer = { status: 201, body: { employee } } as const;
    await deps.employees.create(employee, answerWrites(answer));
    return answer;
  },
});

export const getEmployee = defineRoute({
  summary: 'Read one person in the directory',
  tag: 'employees',
  roles: ['admin'],
  params: EmployeePath,
  response: {
    status: 200,
    description: 'The employee',
    schema: EmployeeAnswer,
    headers: VersionETag,
  },
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
  response: {
    status: 200,
    description: 'The employee',
    schema: EmployeeAnswer,
    headers: VersionETag,
  },
  errors: [404],
  conflicts: [
    'The version you changed is not the person’s current one: someone saved it since; reload it',
  ],
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
        : await deps.employees.setStatus(
            current,
            body.status,
            caller.userId,
            deps.now(),
            await boardVisibilityWrites(
              deps,
              current,
              { ...current, status: body.status },
              deps.now(),
            ),
          );
    return { status: 200, body: { employee } };
  },
});

/**
 * The file is checked as part of the body, before anything is written (the Idempotency-Key's
 * record included): a file that cannot be imported leaves no half-made job and no record.
 */
const ImportRequest = z
  .strictObject({
    csv: z.string().min(1).optional(),
    parts: z.number().int().min(1).max(MAX_PARTS).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.csv !== undefined && body.parts !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['parts'],
        message: 'not with csv: send the file, or say how many parts will follow',
      });
      return;
    }
    if (body.csv === undefined) return;
    try {
      checkPart(body.csv, 1);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const issue of error.fields) {
        ctx.addIssue({
          code: 'custom',
          path: [issue.field],
          message: `${error.message}: ${issue.message}`,
        });
      }
      if (error.fields.length === 0)
        ctx.addIssue({ code: 'custom', path: ['csv'], message: error.message });
    }
  });

export const importEmployees = defineRoute({
  summary:
    'Import the directory from CSV, as a background job; good rows are imported, bad rows reported',
  description:
    'Send the whole file as `text/csv` (or JSON `{"csv": "..."}`) when it is under 300,000 bytes: the job starts at once. For a bigger file send `{}` (or `{"parts": n}`), then each part to `PUT /jobs/{jobId}/parts/{n}`, then `POST /jobs/{jobId}/start`. Either way the answer is 202 with the job, followed at `GET /jobs/{jobId}`. Columns: email, name, department, location, groups (separated by `;`), language, timeZone, manager, jurisdiction. People are matched by email to their directory entry (a new person gets an id once, which never changes), so importing the same file again changes nothing; attributes left empty are removed.',
  tag: 'employees',
  roles: ['admin'],
  body: ImportRequest,
  idempotent: true,
  response: { status: 202, description: 'The import job', schema: JobAnswer },
  async handle({ body, caller, deps, answerWrites }) {
    if (body.csv === undefined) {
      const job = await openImport(deps, caller.userId, body.parts);
      return { status: 202, body: jobAnswer(job) };
    }
    // The whole file: job, part, start and answer are one commit (a part is at most 300 KB).
    const job = startedImport(deps, caller.userId, body.csv);
    const answer = { status: 202, body: jobAnswer(job) };
    await deps.jobs.createStarted(
      job,
      body.csv,
      importRunDue(job),
      deps.now(),
      answerWrites(answer),
    );
    return answer;
  },
});

import type { Employee, EmployeeRequest, EmployeeUpdate } from '#shared/employees/employee';
import type { ImportCounts, JobState, RejectedRow } from '#shared/jobs/import-report';
import { request } from './api';

/**
 * The admin's directory: list and look up, add, edit bound to the version read, deactivate, and
 * the CSV import job. Types from the API's own schemas (type-only: no zod here).
 */
export type { Employee, EmployeeRequest, RejectedRow };
/** A change: only what is sent changes, `null` clears an optional attribute. */
export type EmployeeChange = Omit<EmployeeUpdate, 'version'>;

export interface DirectoryQuery {
  name?: string;
  email?: string;
  department?: string;
  location?: string;
  status?: Employee['status'];
}

export interface DirectoryPage {
  employees: Employee[];
  cursor?: string;
}

export interface ImportJob {
  job: {
    jobId: string;
    state: JobState;
    partsMissing: number[];
    rowsTotal: number;
    rowsDone: number;
    counts: ImportCounts;
  };
  rejections?: RejectedRow[];
  nextAfter?: number;
}

const query = (fields: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};

const employeePath = (employeeId: string) => `/employees/${encodeURIComponent(employeeId)}`;
const jobPath = (jobId: string) => `/jobs/${encodeURIComponent(jobId)}`;

export const listEmployees = (filters: DirectoryQuery, cursor?: string) =>
  request<DirectoryPage>(
    'GET',
    `/employees${query({ ...filters, limit: '25', ...(cursor ? { cursor } : {}) })}`,
  );

export const getEmployee = (employeeId: string) =>
  request<{ employee: Employee }>('GET', employeePath(employeeId));

export const addEmployee = (person: EmployeeRequest) =>
  request<{ employee: Employee }>('POST', '/employees', person);

export const editEmployee = (employeeId: string, change: EmployeeChange, version: number) =>
  request<{ employee: Employee }>('PATCH', employeePath(employeeId), { ...change, version });

export const setEmployeeStatus = (employeeId: string, status: Employee['status']) =>
  request<{ employee: Employee }>('PUT', `${employeePath(employeeId)}/status`, { status });

/** An import waiting for `parts` parts of the file. */
export const openImport = (parts: number) =>
  request<ImportJob>('POST', '/employees/import', { parts });

export const sendPart = (jobId: string, part: number, csv: string) =>
  request<{ part: number; rows: number }>('PUT', `${jobPath(jobId)}/parts/${part}`, { csv });

export const startImport = (jobId: string) =>
  request<ImportJob>('POST', `${jobPath(jobId)}/start`, {});

/** The job, and the page of its rejected rows after line `after`. */
export const getImport = (jobId: string, after?: number) =>
  request<ImportJob>('GET', `${jobPath(jobId)}${query({ after: after?.toString() })}`);

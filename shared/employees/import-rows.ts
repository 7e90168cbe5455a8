import { parseCsv, rowObject } from '#shared/employees/csv';
import { EmployeeRequest } from '#shared/employees/employee';
import { fieldIssues } from '#shared/field-issues';
import type { RejectedRow } from '#shared/jobs/job';

export interface GoodRow {
  line: number;
  request: EmployeeRequest;
}

/** The data rows of one part, numbered as lines of the whole file; part 1's header row dropped. */
export const rowsOfPart = (text: string, part: number, firstLine: number) => {
  const rows = parseCsv(text).map((row) => ({ ...row, line: row.line + firstLine - 1 }));
  return part === 1 ? rows.slice(1) : rows;
};

/**
 * Validates rows against the directory's schema. Of two rows for one person in the same slice
 * the first is kept (the runner checks earlier slices through the job's email claims).
 */
export const readRows = (
  columns: readonly (keyof EmployeeRequest)[],
  rows: readonly { line: number; fields: string[] }[],
): { good: GoodRow[]; rejected: RejectedRow[] } => {
  const good: GoodRow[] = [];
  const rejected: RejectedRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    const candidate = rowObject(columns, row.fields);
    const parsed = EmployeeRequest.safeParse(candidate);
    const email = typeof candidate.email === 'string' ? candidate.email : undefined;
    if (!parsed.success) {
      rejected.push({ line: row.line, email, problems: fieldIssues(parsed.error) });
      continue;
    }
    const earlier = firstLineOf.get(parsed.data.email);
    if (earlier !== undefined) {
      rejected.push({ line: row.line, email, problems: [sameAs(earlier)] });
      continue;
    }
    firstLineOf.set(parsed.data.email, row.line);
    good.push({ line: row.line, request: parsed.data });
  }
  return { good, rejected };
};

export const sameAs = (line: number) => ({
  field: 'email',
  message: `same person as line ${line}`,
});

import type { EmployeeRequest } from '#shared/employees/employee';

/**
 * RFC 4180 CSV: fields separated by commas, quoted with double quotes when they hold commas,
 * quotes (doubled) or line breaks; CRLF or LF line ends; a BOM from spreadsheet exports ignored.
 * Returns the rows with the line each starts on, for reporting problems where a person can find them.
 */
export const parseCsv = (text: string): { line: number; fields: string[] }[] => {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += char;
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
};

/** Header spellings HR exports use, folded to the attribute they mean. */
const COLUMNS: Record<string, keyof EmployeeRequest> = {
  email: 'email',
  name: 'name',
  department: 'department',
  location: 'location',
  groups: 'groups',
  language: 'language',
  timezone: 'timeZone',
  manager: 'manager',
  jurisdiction: 'jurisdiction',
  country: 'jurisdiction',
};
const fold = (header: string) => header.toLowerCase().replace(/[^a-z]/g, '');

export type CsvHeaderProblem = { column: string; message: string };

/**
 * Maps the header to attributes. Unknown or repeated columns, or a missing email or name, are a
 * problem with the whole file, not with a row.
 */
export const readHeader = (
  header: readonly string[],
): { columns: (keyof EmployeeRequest)[] } | { problems: CsvHeaderProblem[] } => {
  const problems: CsvHeaderProblem[] = [];
  const columns = header.map((name) => {
    const column = COLUMNS[fold(name)];
    if (!column) {
      problems.push({
        column: name,
        message: `unknown column; expected some of ${Object.values(COLUMNS).join(', ')}`,
      });
    }
    return column;
  });
  for (const required of ['email', 'name'] as const) {
    if (!columns.includes(required)) problems.push({ column: required, message: 'missing column' });
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (column && seen.has(column)) problems.push({ column, message: 'appears twice' });
    if (column) seen.add(column);
  }
  return problems.length > 0 ? { problems } : { columns: columns as (keyof EmployeeRequest)[] };
};

/** One row as the object EmployeeRequest validates: empty cells are absent, groups split on `;`. */
export const rowObject = (
  columns: readonly (keyof EmployeeRequest)[],
  fields: readonly string[],
): Record<string, unknown> => {
  const row: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    const value = (fields[index] ?? '').trim();
    if (value === '') return;
    row[column] =
      column === 'groups'
        ? value
            .split(';')
            .map((g) => g.trim())
            .filter(Boolean)
        : value;
  });
  if (fields.length > columns.length) row['(extra cells)'] = fields.slice(columns.length);
  return row;
};

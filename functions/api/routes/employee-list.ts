import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { Employee } from '#shared/employees/employee';
import { DIRECTORY_PAGE_BUDGET, passesFilters } from '#shared/store/employees';
import { sortText } from '#shared/store/sort-text';

const Label = z.string().trim().min(1).max(100);

const EmployeeListQuery = z
  .strictObject({
    email: z.email().max(254).toLowerCase().optional(),
    name: z
      .string()
      .max(200)
      .refine((text) => sortText(text).length > 0, 'needs at least one letter or digit')
      .optional(),
    department: Label.optional(),
    location: Label.optional(),
    status: Employee.shape.status.optional(),
    limit: Limit,
    cursor: z.string().max(4000).optional(),
  })
  .refine((query) => !(query.email && (query.name || query.cursor)), {
    message: 'look a person up by `email` alone, or list by `name`',
    path: ['email'],
  });

export const listEmployees = defineRoute({
  summary: 'List the directory by name, or find a person by email, cursor-paged',
  description: [
    '`email`: the one person who holds it (exact, through the directory’s email item), or none.',
    'Otherwise the directory in name order, served by gsi3 `DIRECTORY_NAMES` / folded name; `name` is a prefix of it (case and accents folded), a key condition.',
    `\`department\`, \`location\` and \`status\` filter within a bounded page: at most ${DIRECTORY_PAGE_BUDGET} entries are read for one page, so a page may hold fewer than \`limit\` and still carry a \`cursor\`. The list has ended when there is no \`cursor\`; pass it back with the same query.`,
  ].join('\n'),
  tag: 'employees',
  roles: ['admin'],
  query: EmployeeListQuery,
  response: {
    status: 200,
    description: 'One page of the directory',
    schema: z.object({ employees: z.array(Employee), cursor: z.string().optional() }),
  },
  async handle({ query, deps }) {
    const { email, name, limit, cursor, ...filters } = query;
    if (email) {
      const employeeId = await deps.employees.findByEmail(email);
      const employee = employeeId ? await deps.employees.get(employeeId) : undefined;
      const found = employee && passesFilters(employee, filters) ? [employee] : [];
      return { status: 200, body: { employees: found } };
    }
    const page = await deps.employees.list({ ...filters, name }, { limit, cursor });
    return { status: 200, body: page };
  },
});

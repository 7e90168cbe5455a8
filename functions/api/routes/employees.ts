import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Employee, EmployeeRequest } from '#shared/employees/employee';
import { employeeIdFor } from '#shared/ids';

export const createEmployee = defineRoute({
  summary: 'Add a person to the employee directory (their id follows from their email)',
  tag: 'employees',
  roles: ['admin'],
  body: EmployeeRequest,
  idempotent: true,
  response: { status: 201, description: 'The employee', schema: z.object({ employee: Employee }) },
  errors: [409],
  async handle({ body, deps }) {
    const employee = Employee.parse({
      ...body,
      email: body.email.toLowerCase(),
      employeeId: employeeIdFor(body.email),
      status: 'active',
      createdAt: deps.now().toISOString(),
    });
    await deps.employees.create(employee);
    return { status: 201, body: { employee } };
  },
});

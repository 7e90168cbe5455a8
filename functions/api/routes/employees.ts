import { json, parseBody } from '#functions/api/http';
import type { RouteHandler } from '#functions/api/router';
import { Employee, EmployeeRequest } from '#shared/employees/employee';
import { employeeIdFor } from '#shared/ids';

export const createEmployee: RouteHandler = async (request, _caller, deps) => {
  const body = parseBody(request, EmployeeRequest);
  const employee = Employee.parse({
    ...body,
    email: body.email.toLowerCase(),
    employeeId: employeeIdFor(body.email),
    status: 'active',
    createdAt: deps.now().toISOString(),
  });
  await deps.employees.create(employee);
  return json(201, { employee });
};

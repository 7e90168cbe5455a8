import type { ApiDependencies } from '#functions/api/dependencies';
import type { Caller } from '#shared/auth/roles';
import type { Employee } from '#shared/employees/employee';
import { ForbiddenError, NotFoundError } from '#shared/errors';
import { employeeIdFor } from '#shared/ids';

/** The directory entry whose email the signed-in person's token carries. */
export const currentEmployee = async (caller: Caller, deps: ApiDependencies): Promise<Employee> => {
  if (!caller.email) throw new ForbiddenError('Your sign-in carries no email address');
  try {
    return await deps.employees.get(employeeIdFor(caller.email));
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ForbiddenError('You are not in the employee directory; ask an admin to add you');
    }
    throw error;
  }
};

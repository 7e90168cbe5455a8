import type { ApiDependencies } from '#functions/api/dependencies';
import type { Caller } from '#shared/auth/roles';
import type { Employee } from '#shared/employees/employee';
import { ForbiddenError, NotFoundError } from '#shared/errors';
import { logger } from '#shared/logger';

const NOT_IN_DIRECTORY = 'You are not in the employee directory; ask an admin to add you';

/**
 * The signed-in person's directory entry, found by the token's `sub` only. The first sign-in
 * links the sub to the entry holding its verified email, once; after that the token's email
 * decides nothing, so changing it (to a colleague's, say) reaches nobody else's data.
 */
export const currentEmployee = async (caller: Caller, deps: ApiDependencies): Promise<Employee> => {
  // Cognito keeps the original, verified email until a new one is verified: a sign-in without
  // one is mid-change or was never checked, and acts for no employee.
  if (!caller.email) {
    throw new ForbiddenError(
      'Your sign-in carries no verified email address; verify your email, then sign in again',
    );
  }
  const employeeId =
    (await deps.identities.employeeOf(caller.userId)) ??
    (await linkFirstSignIn(caller.userId, caller.email, deps));
  try {
    return await deps.employees.get(employeeId);
  } catch (error) {
    if (error instanceof NotFoundError) throw new ForbiddenError(NOT_IN_DIRECTORY);
    throw error;
  }
};

const linkFirstSignIn = async (
  sub: string,
  verifiedEmail: string,
  deps: ApiDependencies,
): Promise<string> => {
  const employeeId = await deps.employees.findByEmail(verifiedEmail);
  if (!employeeId) throw new ForbiddenError(NOT_IN_DIRECTORY);
  const linked = await deps.identities.link({
    sub,
    employeeId,
    email: verifiedEmail,
    linkedAt: deps.now().toISOString(),
  });
  if (linked) {
    logger.info('Sign-in linked to an employee', { employeeId });
    return employeeId;
  }
  // The same person's other first request may have linked this sub meanwhile; anything else
  // means the entry belongs to another sign-in already, which only an admin can sort out.
  const raced = await deps.identities.employeeOf(sub);
  if (raced) return raced;
  logger.warn('Sign-in refused: the employee is linked to another sign-in', { employeeId });
  throw new ForbiddenError(
    'Your directory entry is linked to another sign-in; ask an admin to check your account',
  );
};

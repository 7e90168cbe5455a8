import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { json, parseBody, parsePathParameters } from '#functions/api/http';
import type { RouteHandler } from '#functions/api/router';
import type { Caller } from '#shared/auth/roles';
import { type Connection, ConnectionRequest, type Employee } from '#shared/employees/employee';
import { ForbiddenError, NotFoundError } from '#shared/errors';
import { employeeIdFor } from '#shared/ids';
import { NetworkName } from '#shared/networks/network';
import { sandboxAudienceOf } from '#shared/networks/sandbox';

const NetworkPath = z.object({ network: NetworkName });

/** `/me` is the directory entry whose email the signed-in person's token carries. */
const currentEmployee = async (caller: Caller, deps: ApiDependencies): Promise<Employee> => {
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

export const putConnection: RouteHandler = async (request, caller, deps) => {
  const { network } = parsePathParameters(request, NetworkPath);
  const body = parseBody(request, ConnectionRequest);
  const employee = await currentEmployee(caller, deps);
  const connection: Connection = {
    employeeId: employee.employeeId,
    network,
    handle: body.handle,
    audienceSize: sandboxAudienceOf(body.handle),
    autoShare: body.autoShare,
    status: 'active',
    connectedAt: deps.now().toISOString(),
  };
  await deps.employees.putConnection(employee, connection);
  return json(200, { connection });
};

export const listConnections: RouteHandler = async (_request, caller, deps) => {
  const employee = await currentEmployee(caller, deps);
  return json(200, { connections: await deps.employees.listConnections(employee.employeeId) });
};

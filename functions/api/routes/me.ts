import { z } from 'zod';
import { currentEmployee } from '#functions/api/current-employee';
import { defineRoute } from '#functions/api/route';
import {
  type Connection,
  ConnectionRequest,
  Connection as ConnectionSchema,
} from '#shared/employees/employee';
import { NetworkName } from '#shared/networks/network';
import { sandboxAudienceOf } from '#shared/networks/sandbox';

const NetworkPath = z.strictObject({ network: NetworkName });

export const putConnection = defineRoute({
  summary: 'Connect (or update) one of my networks and choose auto-share',
  tag: 'me',
  roles: ['employee'],
  params: NetworkPath,
  body: ConnectionRequest,
  response: {
    status: 200,
    description: 'The connection',
    schema: z.object({ connection: ConnectionSchema }),
  },
  async handle({ params, body, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const connection: Connection = {
      employeeId: employee.employeeId,
      network: params.network,
      handle: body.handle,
      audienceSize: sandboxAudienceOf(body.handle),
      autoShare: body.autoShare,
      status: 'active',
      connectedAt: deps.now().toISOString(),
    };
    await deps.employees.putConnection(employee, connection);
    return { status: 200, body: { connection } };
  },
});

export const listConnections = defineRoute({
  summary: 'My connected networks',
  tag: 'me',
  roles: ['employee'],
  response: {
    status: 200,
    description: 'The connections',
    schema: z.object({ connections: z.array(ConnectionSchema) }),
  },
  async handle({ caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    return {
      status: 200,
      body: { connections: await deps.employees.listConnections(employee.employeeId) },
    };
  },
});

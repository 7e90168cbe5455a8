import { z } from 'zod';
import { Connection, Employee } from '#shared/employees/employee';
import { NetworkName } from '#shared/networks/network';
import { SharingPolicy } from '#shared/sharing/policy';

/*
 * What GET /me, PUT /me/consent, POST /me/leave and /me/join, and the connection routes answer.
 * Schemas only, so the console types its calls with these very shapes through type-only imports.
 */

export const MeAnswer = z.object({
  employee: Employee,
  segments: z.array(z.string()),
  /** The company's defaults and maxima that fill in what the employee left unset. */
  sharingPolicy: SharingPolicy.pick({ defaults: true, maxDailyCap: true }),
});

export type MeAnswer = z.infer<typeof MeAnswer>;

export const ConnectionsAnswer = z.object({ connections: z.array(Connection) });
export type ConnectionsAnswer = z.infer<typeof ConnectionsAnswer>;

export const AuthorizeAnswer = z.object({
  authorizationUrl: z.string(),
  expiresAt: z.iso.datetime(),
});
export type AuthorizeAnswer = z.infer<typeof AuthorizeAnswer>;

export const DisconnectAnswer = z.object({ disconnected: NetworkName });

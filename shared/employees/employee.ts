import { z } from 'zod';
import { NetworkName } from '#shared/networks/network';

export const SegmentId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes');

export const EmployeeRequest = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(200),
  segments: z.array(SegmentId).min(1).max(20),
  /** Where the employee lives (ISO country code): some disclaimers apply per jurisdiction. */
  jurisdiction: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a two-letter country code such as GB')
    .optional(),
  /** Topics the employee follows; empty means every topic. */
  topics: z.array(z.string().trim().toLowerCase().min(1).max(60)).max(50).default([]),
});
export type EmployeeRequest = z.infer<typeof EmployeeRequest>;

export const Employee = EmployeeRequest.extend({
  employeeId: z.string(),
  status: z.enum(['active', 'left']),
  createdAt: z.iso.datetime(),
});
export type Employee = z.infer<typeof Employee>;

/** What an employee says when connecting a network; the sandbox needs only a handle. */
export const ConnectionRequest = z.strictObject({
  handle: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, dot, dash or underscore'),
  autoShare: z.boolean(),
});
export type ConnectionRequest = z.infer<typeof ConnectionRequest>;

export const Connection = z.object({
  employeeId: z.string(),
  network: NetworkName,
  handle: z.string(),
  audienceSize: z.number().int().nonnegative(),
  autoShare: z.boolean(),
  status: z.enum(['active', 'expired', 'revoked']),
  connectedAt: z.iso.datetime(),
});
export type Connection = z.infer<typeof Connection>;

/** An employee receives a campaign's shares on a network only if all of this holds. */
export const receivesShares = (employee: Employee, connection: Connection): boolean =>
  employee.status === 'active' && connection.status === 'active' && connection.autoShare;

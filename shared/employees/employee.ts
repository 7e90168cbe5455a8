import { z } from 'zod';
import { Consent } from '#shared/employees/consent';
import { TimeZone } from '#shared/employees/time';
import { NetworkName } from '#shared/networks/network';

const Label = z.string().trim().min(1).max(100);

/**
 * What the directory knows about a person, kept by admins (by hand or from the HR export).
 * Segments are rules over exactly these attributes.
 */
const Language = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language tag such as en or de-AT');
/** Where the employee lives (ISO country code): some disclaimers apply per jurisdiction. */
const Jurisdiction = z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as GB');
const Groups = z.array(Label).max(50);
const Manager = z.email().max(254).toLowerCase();

export const EmployeeAttributes = z.strictObject({
  department: Label.optional(),
  location: Label.optional(),
  groups: Groups.default([]),
  language: Language.optional(),
  timeZone: TimeZone.default('UTC'),
  manager: Manager.optional(),
  jurisdiction: Jurisdiction.optional(),
});
export type EmployeeAttributes = z.infer<typeof EmployeeAttributes>;

export const EmployeeRequest = EmployeeAttributes.extend({
  email: z.email().max(254).toLowerCase(),
  name: z.string().trim().min(1).max(200),
});
export type EmployeeRequest = z.infer<typeof EmployeeRequest>;

/**
 * A change names only what changes: no field takes a default, so what is not sent is kept (a
 * default here once reset time zones and wiped groups). `null` clears an optional attribute.
 * The email is the identity and cannot change; `version` may come in If-Match instead.
 */
export const EmployeeUpdate = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  department: Label.nullable().optional(),
  location: Label.nullable().optional(),
  groups: Groups.optional(),
  language: Language.nullable().optional(),
  timeZone: TimeZone.optional(),
  manager: Manager.nullable().optional(),
  jurisdiction: Jurisdiction.nullable().optional(),
  version: z.number().int().positive().optional(),
});
export type EmployeeUpdate = z.infer<typeof EmployeeUpdate>;

export const ConnectionStatus = z.enum(['active', 'expiring', 'expired', 'revoked']);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

/**
 * What the fan-out needs of a connection, kept on the employee's record in the same transaction
 * as the connection itself, so deciding who receives a campaign reads one item per person.
 */
export const ConnectionSummary = z.object({
  status: ConnectionStatus,
  handle: z.string(),
  audienceSize: z.number().int().nonnegative(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;

export const Employee = EmployeeRequest.extend({
  employeeId: z.string(),
  /** Counts changes to the directory entry, for If-Match; entries from before it count as 1. */
  version: z.number().int().positive().default(1),
  /** Directory status, set by admins; leaving the sharing programme is the employee's consent. */
  status: z.enum(['active', 'deactivated']),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().optional(),
  consent: Consent,
  connections: z.partialRecord(NetworkName, ConnectionSummary).default({}),
});
export type Employee = z.infer<typeof Employee>;

/** What an employee says when connecting the sandbox, the one network without OAuth. */
export const SandboxConnectionRequest = z.strictObject({
  handle: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, dot, dash or underscore'),
});
export type SandboxConnectionRequest = z.infer<typeof SandboxConnectionRequest>;

/**
 * A connected account, as the API shows it. The tokens are stored beside it, sealed
 * (shared/store/credentials.ts), and never parsed into this shape, so no answer can carry them.
 */
export const Connection = z.object({
  employeeId: z.string(),
  network: NetworkName,
  handle: z.string(),
  audienceSize: z.number().int().nonnegative(),
  status: ConnectionStatus,
  connectedAt: z.iso.datetime(),
  /** When the connection stops working unless the employee reconnects; absent: it does not. */
  expiresAt: z.iso.datetime().optional(),
  /** The network's id for the account (LinkedIn person URN, X user id, Bluesky DID). */
  accountId: z.string().optional(),
  /** The Mastodon instance or Bluesky PDS the account lives on. */
  instance: z.string().optional(),
  /** When the engagement poller last read `audienceSize` from the network; absent: at connecting. */
  audienceCheckedAt: z.iso.datetime().optional(),
});
export type Connection = z.infer<typeof Connection>;

export const summaryOf = (connection: Connection): ConnectionSummary => ({
  status: connection.status,
  handle: connection.handle,
  audienceSize: connection.audienceSize,
});

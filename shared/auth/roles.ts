import { z } from 'zod';

/** The Cognito groups (or local-issuer groups) a person can belong to. */
export const ROLES = ['marketing', 'legal', 'employee', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who is calling, as the JWT authorizer vouched for it. */
export interface Caller {
  /** The token's `sub`: the person, whatever their email. */
  userId: string;
  /** The token's email, only when the issuer verified it. It finds no employee by itself. */
  email: string | undefined;
  name: string | undefined;
  roles: readonly Role[];
}

/**
 * API Gateway HTTP API flattens array claims into strings such as `[legal marketing]`;
 * an issuer may also send a real array or a comma list. All of them mean the same groups.
 */
export const parseGroupsClaim = (claim: unknown): Role[] => {
  const raw = Array.isArray(claim)
    ? claim.map(String)
    : typeof claim === 'string'
      ? claim
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : [];
  return raw.flatMap((group) => {
    const parsed = Role.safeParse(group);
    return parsed.success ? [parsed.data] : [];
  });
};

export const hasAnyRole = (caller: Caller, roles: readonly Role[]): boolean =>
  caller.roles.some((role) => roles.includes(role));

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Role } from '#shared/auth/roles';

/** Stands in for the Cognito user pool: same claims, its own key, a fixed issuer and audience. */
export const LOCAL_ISSUER = 'https://issuer.chorus.local';
export const LOCAL_AUDIENCE = 'chorus-local';
const TOKEN_LIFETIME_SECONDS = 8 * 3600;

export interface TokenRequest {
  role: Role;
  /** All the person's groups, when more than `role` (which is then among them). */
  roles?: readonly Role[];
  /** An ID token (the API's) by default; an access token as Cognito's sign-in also returns. */
  tokenUse?: 'id' | 'access';
  email?: string;
  name?: string;
  /**
   * The person, when not the one the email names: the same person after changing their email.
   * By default each address is one person, with a sub of its own that stays the same.
   */
  sub?: string;
  /** False stands in for an email changed but not yet verified. */
  emailVerified?: boolean;
}

/** Shaped like Cognito's (a UUID), stable for an address across restarts, and not the address. */
export const localSubFor = (address: string): string => {
  const hex = createHash('sha256').update(`${LOCAL_ISSUER}\u0000${address}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

export interface LocalIssuer {
  issue(
    request: TokenRequest,
  ): Promise<{ token: string; expiresAt: string; sub: string; email: string }>;
  /** Verifies as the HTTP API's JWT authorizer does: signature, issuer, audience, expiry. */
  verify(token: string): Promise<JWTPayload>;
}

interface StoredKeys {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Keys persist in the data folder, so tokens stay valid across restarts. */
const loadOrCreateKeys = async (keyFile: string | undefined): Promise<StoredKeys> => {
  if (keyFile && existsSync(keyFile))
    return JSON.parse(readFileSync(keyFile, 'utf8')) as StoredKeys;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const keys: StoredKeys = {
    kid: randomUUID(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
  if (keyFile) writeFileSync(keyFile, JSON.stringify(keys), { mode: 0o600 });
  return keys;
};

export const createLocalIssuer = async (keyFile?: string): Promise<LocalIssuer> => {
  const keys = await loadOrCreateKeys(keyFile);
  const privateKey = await importJWK(keys.privateJwk, 'RS256');
  const jwks = createLocalJWKSet({ keys: [{ ...keys.publicJwk, kid: keys.kid, alg: 'RS256' }] });
  return {
    async issue({ role, roles, tokenUse = 'id', email, name, sub: person, emailVerified = true }) {
      const address = (email ?? `${role}@chorus.local`).toLowerCase();
      const sub = person ?? localSubFor(address);
      const expires = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS;
      const groups = [...new Set([role, ...(roles ?? [])])];
      // An ID token as Cognito issues it: the API takes no other kind. The access token carries
      // no profile, as Cognito's does not.
      const claims =
        tokenUse === 'id'
          ? {
              'cognito:groups': groups,
              email: address,
              email_verified: emailVerified,
              name: name ?? address,
              token_use: 'id',
            }
          : { 'cognito:groups': groups, token_use: 'access', scope: 'openid email profile' };
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(expires)
        .sign(privateKey);
      return { token, expiresAt: new Date(expires * 1000).toISOString(), sub, email: address };
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
      });
      return payload;
    },
  };
};

import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { readerDayKey, readerDayOf, readerHash } from '#shared/links/click-counting';

/** A reader of a link, hashed under the key of the click's day. */
export type ReaderHasher = (code: string, reader: string, at: Date) => Promise<string>;

/** The shortest root secret accepted: 32 bytes, the HMAC-SHA256 block's worth of entropy. */
const MIN_ROOT_BYTES = 32;
/** How long a read root is trusted when a new day's key is derived. */
const SECRET_MAX_AGE_SECONDS = 3600;

/**
 * Derives each day's key once per container and day; the root is read only then. A rotated root
 * is therefore used from the next UTC day on: changing keys mid-day would hash a reader anew
 * and count them twice that day.
 */
export const readerHasher = (loadRoot: () => Promise<Buffer>): ReaderHasher => {
  let current: { day: string; key: Buffer } | undefined;
  return async (code, reader, at) => {
    const day = readerDayOf(at);
    if (current?.day !== day) current = { day, key: readerDayKey(await loadRoot(), day) };
    return readerHash(current.key, code, reader);
  };
};

const checked = (root: Buffer): Buffer => {
  // Say what is wrong, never the value: it is a secret.
  if (root.length < MIN_ROOT_BYTES)
    throw new Error(`The click key must be at least ${MIN_ROOT_BYTES} bytes`);
  return root;
};

/**
 * Where this deployment keeps the click key's root: a Secrets Manager secret
 * (`CLICK_KEY_SECRET`, its ARN, set by the stack) in the cloud, `CLICK_KEY` (base64, from the
 * runtime's data folder) locally. Neither set is a wiring error and fails the cold start.
 */
export const clickKeyFrom = (env: NodeJS.ProcessEnv = process.env): (() => Promise<Buffer>) => {
  const secretId = env.CLICK_KEY_SECRET;
  if (secretId) {
    return async () => {
      const value = await getSecret(secretId, { maxAge: SECRET_MAX_AGE_SECONDS });
      if (typeof value !== 'string') throw new Error('The click key secret holds no string');
      return checked(Buffer.from(value, 'utf8'));
    };
  }
  if (env.CLICK_KEY) {
    const root = checked(Buffer.from(env.CLICK_KEY, 'base64'));
    return async () => root;
  }
  throw new Error('Missing or invalid environment variables: CLICK_KEY_SECRET (or CLICK_KEY)');
};

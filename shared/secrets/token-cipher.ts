import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { canonicalJson } from '#shared/hash';

/**
 * Seals social tokens before they are stored and opens them only for the call that uses them.
 * The context (employee, network) is bound into the ciphertext: a sealed token copied onto
 * another person's record does not open there.
 */
export interface TokenCipher {
  seal(plaintext: string, context: Record<string, string>): Promise<string>;
  open(sealed: string, context: Record<string, string>): Promise<string>;
}

/** In the cloud: AWS KMS, with the context as KMS encryption context (logged by CloudTrail). */
export const kmsCipher = (keyId: string, client = new KMSClient({})): TokenCipher => ({
  async seal(plaintext, context) {
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: context,
      }),
    );
    return `kms:${Buffer.from(CiphertextBlob ?? new Uint8Array()).toString('base64')}`;
  },
  async open(sealed, context) {
    if (!sealed.startsWith('kms:')) throw new Error('not a KMS-sealed token');
    const { Plaintext } = await client.send(
      new DecryptCommand({
        KeyId: keyId,
        CiphertextBlob: Buffer.from(sealed.slice(4), 'base64'),
        EncryptionContext: context,
      }),
    );
    return Buffer.from(Plaintext ?? new Uint8Array()).toString('utf8');
  },
});

/** Locally: AES-256-GCM under a key kept in the runtime's data folder; the context is the AAD. */
export const localCipher = (key: Buffer): TokenCipher => {
  if (key.length !== 32) throw new Error('the local token key must be 32 bytes');
  return {
    async seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(canonicalJson(context)));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `local:${[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.')}`;
    },
    async open(sealed, context) {
      const [iv, tag, body] = sealed
        .replace(/^local:/, '')
        .split('.')
        .map((p) => Buffer.from(p, 'base64'));
      if (!sealed.startsWith('local:') || !iv || !tag || !body)
        throw new Error('not a locally sealed token');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(canonicalJson(context)));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
  };
};

/**
 * The cipher a function's `TOKEN_KEY` names: `kms:<key ARN>` in the cloud (set by the stack),
 * `local:<base64 of 32 bytes>` in the local runtime.
 */
export const tokenCipherFrom = (spec: string | undefined): TokenCipher => {
  if (spec === undefined) return noCipher;
  if (spec.startsWith('kms:')) return kmsCipher(spec.slice(4));
  if (spec.startsWith('local:')) return localCipher(Buffer.from(spec.slice(6), 'base64'));
  throw new Error('TOKEN_KEY must be kms:<key arn> or local:<base64 key>');
};

/** For functions that may not open tokens: any attempt is a bug, and says so. */
const noCipher: TokenCipher = {
  seal: () => Promise.reject(new Error('this function has no access to the token key')),
  open: () => Promise.reject(new Error('this function has no access to the token key')),
};

import { parseArgs } from 'node:util';
import { findRunningRuntime } from '#infra/local/runtime-client';

/** Prints a bearer token for a role from the running local runtime's issuer. */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    // The same person under another email (--sub of their earlier token), or one not verified.
    sub: { type: 'string' },
    unverified: { type: 'boolean', default: false },
    data: { type: 'string', default: process.env.CHORUS_DATA_DIR ?? '.chorus' },
  },
});
const role = positionals[0];
if (!role) {
  console.error(
    'usage: npm run token -- <marketing|legal|employee|admin> [--email a@b.c] [--name "Ada L"] [--sub id] [--unverified]',
  );
  process.exit(2);
}
const runtime = await findRunningRuntime(values.data);
const response = await fetch(`${runtime.apiUrl}/_local/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    role,
    email: values.email,
    name: values.name,
    sub: values.sub,
    emailVerified: !values.unverified,
  }),
});
const body = (await response.json()) as { token?: string; error?: { message?: string } };
if (!response.ok || !body.token) {
  console.error(`chorus: ${body.error?.message ?? `token request failed with ${response.status}`}`);
  process.exit(1);
}
console.log(body.token);

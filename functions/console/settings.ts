import { z } from 'zod';
import type { ConsoleConfig } from '#functions/console/config';

const SignIn = z.object({ url: z.url({ protocol: /^https?$/ }), clientId: z.string().min(1) });

export interface ConsoleSettings {
  config: ConsoleConfig;
  /** The sign-in origin: the browser talks to it (the token endpoint) and navigates to it. */
  signInOrigin: string;
}

/**
 * Read from the function's environment. The paths are Cognito's hosted sign-in endpoints; the
 * local issuer serves the same paths under its own base URL.
 */
export const consoleSettings = (environment: NodeJS.ProcessEnv = process.env): ConsoleSettings => {
  // SIGN_IN is ENV.signIn in infra/declaration.ts: JSON, set by the stack and the local runtime.
  const parsed = SignIn.safeParse(JSON.parse(environment.SIGN_IN ?? 'null'));
  if (!parsed.success) throw new Error('Missing or invalid environment variables: SIGN_IN');
  const { url, clientId } = parsed.data;
  const base = url.replace(/\/+$/, '');
  return {
    config: {
      clientId,
      authorizeUrl: `${base}/oauth2/authorize`,
      tokenUrl: `${base}/oauth2/token`,
      logoutUrl: `${base}/logout`,
    },
    signInOrigin: new URL(base).origin,
  };
};

import { z } from 'zod';

const Url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));

/**
 * The company's apps on each network: what the operator registers once in each network's
 * developer portal. LinkedIn and X need a client id and secret before anyone can connect;
 * Mastodon registers Chorus on each instance the first time someone from it connects; Bluesky
 * uses app passwords. The URLs are the networks' own by default; tests and the local runtime
 * point them at local servers.
 */
export const NetworkSettings = z.object({
  linkedin: z
    .object({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      /** LinkedIn's versioned REST API (`LinkedIn-Version`, yyyymm). */
      apiVersion: z
        .string()
        .regex(/^\d{6}$/)
        .default('202510'),
      authUrl: Url.default('https://www.linkedin.com'),
      apiUrl: Url.default('https://api.linkedin.com'),
    })
    .optional(),
  x: z
    .object({
      clientId: z.string().min(1),
      /** Confidential clients authenticate to the token endpoint; public ones send only the id. */
      clientSecret: z.string().min(1).optional(),
      /** App-only token for reading public metrics (one read per post per UTC day is billed). */
      appBearerToken: z.string().min(1).optional(),
      authUrl: Url.default('https://x.com'),
      apiUrl: Url.default('https://api.x.com'),
    })
    .optional(),
  mastodon: z
    .object({
      clientName: z.string().min(1).default('Chorus'),
      website: Url.optional(),
    })
    .default({ clientName: 'Chorus' }),
  bluesky: z
    .object({
      /** The PDS for a connection stored without one (older data); new ones use the DID's. */
      service: Url.default('https://bsky.social'),
      /** The public AppView: profile and post reads without a session, handle resolution. */
      appView: Url.default('https://public.api.bsky.app'),
      /** Where did:plc documents are read, and with them each account's PDS. */
      plcDirectory: Url.default('https://plc.directory'),
    })
    .default({
      service: 'https://bsky.social',
      appView: 'https://public.api.bsky.app',
      plcDirectory: 'https://plc.directory',
    }),
});
export type NetworkSettings = z.infer<typeof NetworkSettings>;

export const noNetworkSettings = (): NetworkSettings => NetworkSettings.parse({});

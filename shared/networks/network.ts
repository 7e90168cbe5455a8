import { z } from 'zod';

/** Networks an employee can connect: the four real ones and the sandbox. */
export const NetworkName = z.enum(['linkedin', 'x', 'bluesky', 'mastodon', 'sandbox']);
export type NetworkName = z.infer<typeof NetworkName>;

export interface TextLimits {
  maxLength: number;
  /** How a network counts text: UTF-16 units, code points or graphemes. */
  unit: 'codePoints' | 'graphemes';
  /** Some networks count every URL as a fixed number of characters, whatever its length. */
  urlWeight?: number;
}

export interface EngagementCounts {
  impressions: number | null;
  reactions: number;
  comments: number;
  reshares: number;
}

/**
 * What one read of a post's engagement found. `unavailable`: the network gives this app no
 * figures for it (LinkedIn personal posts without LinkedIn's analytics approval) — never a zero.
 */
export type MetricsReading =
  | { kind: 'counts'; counts: EngagementCounts }
  | { kind: 'deleted' }
  | { kind: 'unavailable'; reason: string };

export interface PublishedPost {
  externalId: string;
  url: string;
}

/** An account whose audience the poller refreshes: the network's id for it, and where it lives. */
export interface AccountRef {
  accountId: string;
  instance?: string | undefined;
}

/** A post on a network, as a metrics read needs to find it. */
export interface PostRef {
  externalId: string;
  url: string;
}

/**
 * The tokens of one connection. Held encrypted at rest (shared/secrets/token-cipher.ts); only
 * the adapter sees them in the clear, and only for the call it makes.
 */
export const Credentials = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** When the access token stops working; absent when it does not expire (Mastodon). */
  expiresAt: z.iso.datetime().optional(),
  /** When the refresh token stops working, where the network says (LinkedIn partners: 365 days). */
  refreshExpiresAt: z.iso.datetime().optional(),
});
export type Credentials = z.infer<typeof Credentials>;

/** The employee's account on a network, as an adapter needs it to act for them. */
export interface Account {
  handle: string;
  audienceSize: number;
  /** The network's own id for the account: a LinkedIn person URN, an X user id, a Bluesky DID. */
  accountId?: string | undefined;
  /** Where the account lives, for federated networks: a Mastodon instance, a Bluesky PDS. */
  instance?: string | undefined;
  credentials?: Credentials | undefined;
}

/** Who signed in, as the network describes them after a connection is made. */
export interface ConnectedProfile {
  accountId: string;
  handle: string;
  /** Followers or connections; 0 where the network does not tell this app (LinkedIn). */
  audienceSize: number;
  instance?: string | undefined;
}

export interface PublishInput {
  account: Account;
  text: string;
  /** The share id: the same on every attempt, so networks that can deduplicate by it do. */
  idempotencyKey: string;
  /** When the intent to publish was first recorded: fixed across retries (Bluesky's record key). */
  intentAt: Date;
  at: Date;
}

/**
 * How an employee connects a network. `oauth`: the browser goes to the network and comes back to
 * the callback with a code; `pkce` says whether the network verifies a code challenge.
 * `app-password`: the employee hands Chorus an app password once (Bluesky), never their own.
 * `none`: the sandbox.
 */
export type ConnectMethod = 'oauth' | 'app-password' | 'none';

export interface OAuthClient {
  readonly pkce: boolean;
  /** Where to send the employee's browser; `instance` for Mastodon, which registers the app there. */
  authorizationUrl(input: {
    state: string;
    codeChallenge: string;
    redirectUri: string;
    instance?: string | undefined;
  }): Promise<string>;
  exchange(input: {
    code: string;
    codeVerifier: string;
    redirectUri: string;
    instance?: string | undefined;
  }): Promise<{ credentials: Credentials; profile: ConnectedProfile }>;
}

export interface AppPasswordClient {
  login(input: {
    identifier: string;
    appPassword: string;
    instance?: string | undefined;
  }): Promise<{ credentials: Credentials; profile: ConnectedProfile }>;
}

/**
 * What Chorus needs from a social network. One implementation per network; the sandbox is one of
 * them, not a mock, so the whole flow runs offline on the same code path. Adapters speak only in
 * `NetworkError` kinds (shared/networks/errors.ts); the share worker decides from those alone.
 */
export interface NetworkAdapter {
  readonly name: NetworkName;
  readonly label: string;
  readonly limits: TextLimits;
  readonly connect: ConnectMethod;
  /**
   * Whether a publish whose outcome is unknown may be sent again: `idempotent` when the same key
   * cannot create a second post (Mastodon's Idempotency-Key, Bluesky's record key, the sandbox),
   * `duplicate-detected` when the network answers a repeat with the existing post (LinkedIn's
   * DUPLICATE_POST), `unsafe` when a repeat could post twice (X): then a person has to look.
   */
  readonly retryAfterUnknownOutcome: 'idempotent' | 'duplicate-detected' | 'unsafe';
  readonly metricsBatchSize: number;
  /**
   * Why this app cannot read engagement on this network at all, if it cannot (LinkedIn without
   * analytics approval, X without an app token): the poller then makes no call.
   */
  engagementUnavailable?(): string | undefined;
  /**
   * For a federated network, the server a read of this post or account goes to (its origin), from
   * the post's URL or the account's instance; undefined when it has none. Absent where every read
   * goes to the network's one API. The poller budgets, blocks and leases each server on its own.
   */
  readHost?(where: string | undefined): string | undefined;
  publish(input: PublishInput): Promise<PublishedPost>;
  fetchMetrics(posts: readonly PostRef[], at: Date): Promise<Map<string, MetricsReading>>;
  /**
   * Today's follower counts of up to `metricsBatchSize` accounts, by account id, read with the
   * app's own access; an account the network no longer shows is left out. Absent where the
   * network tells this app no count (LinkedIn), or where the app has no token to read with.
   */
  fetchAudiences?(accounts: readonly AccountRef[], at: Date): Promise<Map<string, number>>;
  /** New tokens from the refresh token; absent where tokens cannot be refreshed. */
  refresh?(account: Account): Promise<Credentials>;
  oauth?: OAuthClient;
  appPassword?: AppPasswordClient;
}

/**
 * What a network's answer means for a share, whatever the network (../shared/NETWORKS.md, "What
 * each answer means"). Adapters translate their network's status codes and error bodies into
 * these; the share worker decides from them alone.
 */
export type NetworkErrorKind =
  /** 429 (or a quota): nothing was posted; try again after `retryAfterSeconds`. */
  | 'rate_limited'
  /** The token expired or was revoked and could not be refreshed: the employee must reconnect. */
  | 'auth_expired'
  /** The network says this post already exists; `existingId` when it says which one. */
  | 'duplicate'
  /** A definite refusal (bad request, forbidden content): posting again will not help. */
  | 'rejected'
  /** A 5xx, a timeout or a reset after sending: the post may or may not exist. */
  | 'outcome_unknown';

export class NetworkError extends Error {
  constructor(
    readonly kind: NetworkErrorKind,
    message: string,
    readonly details: {
      status?: number;
      retryAfterSeconds?: number;
      existing?: { externalId: string; url: string };
    } = {},
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

export const isNetworkError = (error: unknown): error is NetworkError =>
  error instanceof NetworkError;

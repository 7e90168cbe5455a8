/**
 * Why an outbound call did not bring back an answer. `refused`: Chorus would not call that
 * destination (nothing was sent); `unreachable` and `timed_out`: the host did not answer in
 * time, after the request may have been sent; `too_large`: the answer was longer than the caller
 * reads. The message is always Chorus's own words, never the foreign host's.
 */
export type OutboundErrorKind = 'refused' | 'unreachable' | 'timed_out' | 'too_large';

export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export const isOutboundError = (error: unknown): error is OutboundError =>
  error instanceof OutboundError;

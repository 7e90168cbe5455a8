import { createOutboundClient, type OutboundClient } from '#shared/outbound/client';
import type { OutboundSeam } from '#shared/outbound/destination';

let localSeam: OutboundSeam | undefined;

/**
 * Lets this process's functions reach the local fakes the operator configured. Only the local
 * runtime calls it, in code, before it loads any handler (infra/local/runtime.ts): no variable
 * or setting a deployed function reads can turn it on, and test/unit/outbound-seam.test.ts
 * checks that no function or shared module calls it.
 */
export const allowLocalOutbound = (seam: OutboundSeam): void => {
  localSeam = seam;
};

/** The outbound client the deployed functions use: the strict one everywhere but locally. */
export const processOutboundClient = (): OutboundClient => createOutboundClient(localSeam);

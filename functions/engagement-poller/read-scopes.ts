import { randomUUID } from 'node:crypto';
import { readScope } from '#shared/engagement/read-budget';
import type { NetworkAdapter } from '#shared/networks/network';
import type { ReadBudgetStore } from '#shared/store/read-budget';

/** Why a run reads no more from a scope. */
export type HoldReason =
  | 'blocked'
  | 'budget_spent'
  | 'rate_limited'
  | 'network_error'
  | 'another_poller';

export interface Hold {
  reason: HoldReason;
  /** When what was due there may be read again; absent: it stays due (another poller reads it). */
  retryAt?: Date;
}

/** Longer than the poller's 120-second timeout: a lease outlives only a poller that died. */
const LEASE_MS = 150_000;

/**
 * The scopes one run reads from (the network, or each server of a federated network), each opened
 * once: not blocked, and leased to this run so no other poller pays for the same reads. A scope
 * that fails is held for the rest of the run; the others go on.
 */
export const openReadScopes = (network: NetworkAdapter, now: Date, budget: ReadBudgetStore) => {
  const owner = randomUUID();
  const holds = new Map<string, Hold | undefined>();
  const leased: string[] = [];
  const scopeOf = (host: string | undefined) => readScope(network.name, host);
  return {
    scopeOf,
    /** Why the run may not read from `host` (undefined: the network's one API); undefined: go. */
    async open(host: string | undefined): Promise<Hold | undefined> {
      const scope = scopeOf(host);
      if (holds.has(scope)) return holds.get(scope);
      const until = await budget.blockedUntil(scope, now);
      if (until) holds.set(scope, { reason: 'blocked', retryAt: until });
      else if (await budget.lease(scope, owner, now, LEASE_MS)) {
        leased.push(scope);
        holds.set(scope, undefined);
      } else holds.set(scope, { reason: 'another_poller' });
      return holds.get(scope);
    },
    hold(host: string | undefined, hold: Hold): void {
      holds.set(scopeOf(host), hold);
    },
    /** The servers of a federated network this run held, and why (the network's own is `stopped`). */
    heldHosts(): Record<string, HoldReason> {
      const held: Record<string, HoldReason> = {};
      for (const [scope, hold] of holds) {
        if (hold && scope !== network.name)
          held[scope.slice(network.name.length + 1)] = hold.reason;
      }
      return held;
    },
    async release(): Promise<void> {
      await Promise.all(leased.map((scope) => budget.release(scope, owner)));
    },
  };
};

export type ReadScopes = ReturnType<typeof openReadScopes>;

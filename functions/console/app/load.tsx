import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError } from './api';

/** What a screen's data is while it comes from the API. */
export type Loaded<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; value: T }
  | { kind: 'failed'; error: ApiError };

export interface Load<T> {
  state: Loaded<T>;
  /** Asks again, keeping what is shown until the answer comes (after an action on the page). */
  reload: () => Promise<void>;
  /** Shows "loading" and asks again (the failure's "Try again"). */
  retry: () => void;
  /** Replaces the value shown, for an answer the page already has (a save's answer, a draft). */
  set: (value: T) => void;
}

/**
 * Loads what a screen shows, again whenever `deps` change (then it shows "loading" first). Only
 * the latest request's answer lands, so a slow answer to an older question never overwrites it.
 */
export const useLoad = <T,>(fetch: () => Promise<T>, deps: readonly unknown[]): Load<T> => {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const latest = useRef(0);
  // `deps` name what `fetch` reads: a new question for new deps, the same one otherwise.
  const reload = useCallback(() => {
    const ticket = ++latest.current;
    return fetch().then(
      (value) => {
        if (ticket === latest.current) setState({ kind: 'ready', value });
      },
      (error: unknown) => {
        if (ticket === latest.current) setState({ kind: 'failed', error: asApiError(error) });
      },
    );
  }, deps);
  const retry = useCallback(() => {
    setState({ kind: 'loading' });
    reload();
  }, [reload]);
  useEffect(retry, [retry]);
  const set = useCallback((value: T) => {
    latest.current++;
    setState({ kind: 'ready', value });
  }, []);
  return { state, reload, retry, set };
};

/** An API error as the page says it; nothing while the browser is on its way to sign in. */
export const Failure = ({ error, onRetry }: { error: ApiError; onRetry?: () => void }) =>
  error.code === 'signing_in' ? null : (
    <div role="alert" class="error">
      <p>{error.message}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );

/**
 * The loading line, or the failure with "Try again", or the screen's own rendering of the value.
 * `what` completes "Loading …" ("your feed").
 */
export const Loading = <T,>({
  load,
  what,
  children,
}: {
  load: Load<T>;
  what: string;
  children: (value: T) => ComponentChildren;
}) => {
  const { state } = load;
  if (state.kind === 'loading') return <p role="status">Loading {what}…</p>;
  if (state.kind === 'failed') return <Failure error={state.error} onRetry={load.retry} />;
  return <>{children(state.value)}</>;
};

import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A screen whose code comes when it is first opened (its own chunk, through `import()`), so what
 * every page loads first is what everyone needs: an employee on a phone does not download
 * marketing's compose screen or the admin's directory. Loaded once; until then "Loading…".
 */
export const lazyScreen = <P extends object>(
  what: string,
  load: () => Promise<ComponentType<P>>,
): FunctionComponent<P> => {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return (props: P) => {
    const [, setReady] = useState(0);
    const [failed, setFailed] = useState(false);
    const waited = useRef(false);
    useEffect(() => {
      if (loaded) return;
      waited.current = true;
      pending ??= load();
      pending.then(
        (screen) => {
          loaded = screen;
          setReady((n) => n + 1);
        },
        () => {
          pending = undefined;
          setFailed(true);
        },
      );
    }, []);
    // Focus goes to the screen's heading once it is there, as it would have without the wait.
    useEffect(() => {
      if (!loaded || !waited.current) return;
      waited.current = false;
      document.querySelector<HTMLElement>('main h1')?.focus();
    });
    if (loaded) {
      const Screen = loaded;
      return <Screen {...props} />;
    }
    if (failed) {
      return (
        <div role="alert" class="error">
          <p>The {what} screen could not be loaded; check your connection.</p>
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      );
    }
    return <p role="status">Loading {what}…</p>;
  };
};

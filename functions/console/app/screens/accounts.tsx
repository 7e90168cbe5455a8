import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { Loading, useLoad } from '../load';
import {
  authorize,
  type Connection,
  connectDirectly,
  disconnect,
  getConnections,
} from '../me-endpoints';
import { NETWORK_LABELS } from './feed';

type Network = Connection['network'];
const NETWORKS: Network[] = ['linkedin', 'x', 'mastodon', 'bluesky', 'sandbox'];
/** Warn this long before a connection stops working. */
const WARN_DAYS = 14;
const DAY_MS = 86_400_000;

const when = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso));

/** What to tell the employee about a connection, and whether it needs them now. */
const standing = (c: Connection, now: number): { text: string; act: boolean } => {
  if (c.status === 'expired' || c.status === 'revoked')
    return { text: 'Stopped working: reconnect to share here again.', act: true };
  if (c.expiresAt) {
    const days = Math.ceil((Date.parse(c.expiresAt) - now) / DAY_MS);
    if (c.status === 'expiring' || days <= WARN_DAYS)
      return { text: `Stops working on ${when(c.expiresAt)}: reconnect before then.`, act: true };
    return { text: `Connected; works until ${when(c.expiresAt)}.`, act: false };
  }
  return { text: 'Connected.', act: false };
};

/** How one network connects: a sign-in at the network, or a form here. */
const ConnectForm = ({
  network,
  again,
  onDone,
}: {
  network: Network;
  again: boolean;
  onDone: (message: string) => void;
}) => {
  const label = NETWORK_LABELS[network];
  const verb = again ? 'Reconnect' : 'Connect';
  const [fields, setFields] = useState({ instance: '', handle: '', identifier: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const set = (key: keyof typeof fields) => (e: { currentTarget: HTMLInputElement }) =>
    setFields({ ...fields, [key]: e.currentTarget.value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (network === 'sandbox') {
        await connectDirectly('sandbox', { handle: fields.handle.trim() });
        onDone(`${label} connected.`);
      } else if (network === 'bluesky') {
        await connectDirectly('bluesky', {
          identifier: fields.identifier.trim(),
          appPassword: fields.password.trim(),
        });
        onDone(`${label} connected.`);
      } else {
        // The network's sign-in page; it sends the browser back to a page that says what happened.
        const { authorizationUrl } = await authorize(
          network,
          network === 'mastodon' ? fields.instance.trim() : undefined,
        );
        location.assign(authorizationUrl);
      }
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} class="connect">
      {network === 'mastodon' ? (
        <>
          <label for="instance">Your Mastodon server</label>
          <input
            id="instance"
            required
            placeholder="mastodon.social"
            value={fields.instance}
            onInput={set('instance')}
          />
        </>
      ) : null}
      {network === 'sandbox' ? (
        <>
          <label for="handle">Sandbox handle</label>
          <input id="handle" required value={fields.handle} onInput={set('handle')} />
        </>
      ) : null}
      {network === 'bluesky' ? (
        <>
          <label for="identifier">Bluesky handle</label>
          <input
            id="identifier"
            required
            placeholder="you.bsky.social"
            value={fields.identifier}
            onInput={set('identifier')}
          />
          <label for="app-password">App password</label>
          <input
            id="app-password"
            type="password"
            required
            autoComplete="off"
            aria-describedby="app-password-hint"
            value={fields.password}
            onInput={set('password')}
          />
          <p id="app-password-hint" class="muted">
            Made in Bluesky under Settings → App passwords; never your own password. It is used once
            and not kept.
          </p>
        </>
      ) : null}
      <button type="submit" class="primary" disabled={busy}>
        {verb} {label}
      </button>
      {error && error.code !== 'signing_in' ? (
        <p role="alert" class="error">
          {error.message}
        </p>
      ) : null}
    </form>
  );
};

/** Connected accounts: connect, see what will stop working and when, reconnect, disconnect. */
export const Accounts = () => {
  const load = useLoad(getConnections, []);
  const [message, setMessage] = useState<string>();
  const [confirming, setConfirming] = useState<Network>();
  const [error, setError] = useState<ApiError>();
  const done = (text: string) => {
    setMessage(text);
    load.reload();
  };
  const drop = async (network: Network) => {
    setError(undefined);
    try {
      await disconnect(network);
      setConfirming(undefined);
      done(`${NETWORK_LABELS[network]} disconnected; its tokens are deleted.`);
    } catch (failure) {
      setError(asApiError(failure));
    }
  };

  const now = Date.now();
  return (
    <>
      <h1 tabIndex={-1}>Connected accounts</h1>
      {message ? (
        <p role="status" class="notice">
          {message}
        </p>
      ) : null}
      {error && error.code !== 'signing_in' ? (
        <p role="alert" class="error">
          {error.message}
        </p>
      ) : null}
      <Loading load={load} what="your accounts">
        {({ connections }) => (
          <ul class="cards">
            {NETWORKS.map((network) => {
              const label = NETWORK_LABELS[network];
              const connection = connections.find((c) => c.network === network);
              const about = connection ? standing(connection, now) : undefined;
              return (
                <li key={network}>
                  <section class="card" aria-labelledby={`account-${network}`}>
                    <h2 id={`account-${network}`}>{label}</h2>
                    {connection && about ? (
                      <>
                        <p>
                          {connection.handle}
                          {connection.instance ? ` on ${connection.instance}` : ''}
                        </p>
                        <p class={about.act ? 'pending' : 'muted'}>{about.text}</p>
                        {about.act ? <ConnectForm network={network} again onDone={done} /> : null}
                        {confirming === network ? (
                          <div class="actions">
                            <button type="button" class="danger" onClick={() => drop(network)}>
                              Yes, disconnect {label}
                            </button>
                            <button type="button" onClick={() => setConfirming(undefined)}>
                              Keep it
                            </button>
                          </div>
                        ) : (
                          <button type="button" onClick={() => setConfirming(network)}>
                            Disconnect {label}
                          </button>
                        )}
                      </>
                    ) : (
                      <ConnectForm network={network} again={false} onDone={done} />
                    )}
                  </section>
                </li>
              );
            })}
          </ul>
        )}
      </Loading>
    </>
  );
};

import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { Loading, useLoad } from '../load';
import {
  type ConsentChange,
  getMe,
  leaveProgramme,
  type MeAnswer,
  rejoinProgramme,
  updateConsent,
} from '../me-endpoints';
import { NETWORK_LABELS } from './feed';

type Consent = MeAnswer['employee']['consent'];
type Network = keyof typeof NETWORK_LABELS & keyof Consent['networks'];
type Day = NonNullable<Consent['sharingHours']>['days'][number];

const NETWORKS: Network[] = ['linkedin', 'x', 'mastodon', 'bluesky', 'sandbox'];
const DAYS: { day: Day; label: string }[] = [
  { day: 'mon', label: 'Monday' },
  { day: 'tue', label: 'Tuesday' },
  { day: 'wed', label: 'Wednesday' },
  { day: 'thu', label: 'Thursday' },
  { day: 'fri', label: 'Friday' },
  { day: 'sat', label: 'Saturday' },
  { day: 'sun', label: 'Sunday' },
];

const fieldMessages = (error: ApiError) =>
  Array.isArray(error.detail.fields)
    ? (error.detail.fields as { field?: unknown; message?: unknown }[]).map(
        (f) => `${String(f.field ?? '')}: ${String(f.message ?? '')}`,
      )
    : [];

/** The form's working copy: what the employee sees and edits, sent whole on save. */
interface Draft {
  paused: boolean;
  hidden: boolean;
  topics: string;
  networks: Record<Network, { autoShare: boolean; dailyCap: string }>;
  ownHours: boolean;
  from: string;
  to: string;
  days: Day[];
  timeZone: string;
}

const draftOf = ({ employee, sharingPolicy }: MeAnswer): Draft => {
  const consent = employee.consent;
  const hours = consent.sharingHours ?? sharingPolicy.defaults.sharingHours;
  return {
    paused: consent.paused,
    hidden: consent.hiddenFromLeaderboards,
    topics: consent.topics.join(', '),
    networks: Object.fromEntries(
      NETWORKS.map((n) => [
        n,
        {
          autoShare: consent.networks[n]?.autoShare ?? false,
          dailyCap: String(consent.networks[n]?.dailyCap ?? ''),
        },
      ]),
    ) as Draft['networks'],
    ownHours: consent.sharingHours !== undefined,
    from: hours.from,
    to: hours.to,
    days: [...hours.days],
    timeZone: consent.timeZone ?? '',
  };
};

const changeOf = (draft: Draft): ConsentChange => ({
  paused: draft.paused,
  hiddenFromLeaderboards: draft.hidden,
  topics: draft.topics
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean),
  networks: Object.fromEntries(
    NETWORKS.map((n) => {
      const cap = Number.parseInt(draft.networks[n].dailyCap, 10);
      return [
        n,
        {
          autoShare: draft.networks[n].autoShare,
          ...(Number.isFinite(cap) ? { dailyCap: cap } : {}),
        },
      ];
    }),
  ),
  sharingHours: draft.ownHours ? { from: draft.from, to: draft.to, days: draft.days } : null,
  timeZone: draft.timeZone.trim() || null,
});

/** My sharing: networks, auto-share, daily caps, topics, hours and time zone, pause, leave. */
export const Sharing = () => {
  const load = useLoad(() => getMe().then((me) => ({ me, draft: draftOf(me) })), []);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [leaving, setLeaving] = useState(false);
  const show = (me: MeAnswer) => load.set({ me, draft: draftOf(me) });

  const act = async (call: () => Promise<MeAnswer>, done: string) => {
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      show(await call());
      setSaved(done);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
      setLeaving(false);
    }
  };

  if (load.state.kind !== 'ready') {
    return (
      <>
        <h1 tabIndex={-1}>My sharing</h1>
        <Loading load={load} what="your settings">
          {() => null}
        </Loading>
      </>
    );
  }
  const { me, draft } = load.state.value;
  const edit = (change: Partial<Draft>) => load.set({ me, draft: { ...draft, ...change } });
  const editNetwork = (n: Network, change: Partial<Draft['networks'][Network]>) =>
    edit({ networks: { ...draft.networks, [n]: { ...draft.networks[n], ...change } } });
  const left = me.employee.consent.leftAt;
  const defaults = me.sharingPolicy.defaults;

  return (
    <>
      <h1 tabIndex={-1}>My sharing</h1>
      {saved ? (
        <p role="status" class="notice">
          {saved}
        </p>
      ) : null}
      {error && error.code !== 'signing_in' ? (
        <div role="alert" class="error">
          <p>{error.message}</p>
          <ul>
            {fieldMessages(error).map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {left ? (
        <section class="card" aria-labelledby="left">
          <h2 id="left">You left the sharing programme</h2>
          <p>Nothing is shared for you. Rejoining turns nothing on until you choose.</p>
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() => act(rejoinProgramme, 'Welcome back: choose what to share below.')}
          >
            Rejoin
          </button>
        </section>
      ) : (
        <form
          class="card personalise"
          onSubmit={(event) => {
            event.preventDefault();
            act(() => updateConsent(changeOf(draft)), 'Saved.');
          }}
        >
          <label class="check-row">
            <input
              type="checkbox"
              checked={draft.paused}
              onChange={(e) => edit({ paused: e.currentTarget.checked })}
            />{' '}
            Pause all sharing
          </label>
          <fieldset>
            <legend>Networks</legend>
            <p class="muted">
              Auto-share posts on my behalf, and at most this many a day (company default{' '}
              {defaults.dailyCap}, at most {me.sharingPolicy.maxDailyCap}).
            </p>
            {NETWORKS.map((n) => (
              <div key={n} class="network-consent">
                <label class="check-row">
                  <input
                    type="checkbox"
                    checked={draft.networks[n].autoShare}
                    onChange={(e) => editNetwork(n, { autoShare: e.currentTarget.checked })}
                  />{' '}
                  Auto-share on {NETWORK_LABELS[n]}
                </label>
                <label for={`cap-${n}`}>Daily cap on {NETWORK_LABELS[n]}</label>
                <input
                  id={`cap-${n}`}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={me.sharingPolicy.maxDailyCap}
                  placeholder={String(defaults.dailyCap)}
                  value={draft.networks[n].dailyCap}
                  onInput={(e) => editNetwork(n, { dailyCap: e.currentTarget.value })}
                />
              </div>
            ))}
          </fieldset>
          <label for="topics">Topics I follow</label>
          <input
            id="topics"
            value={draft.topics}
            aria-describedby="topics-hint"
            onInput={(e) => edit({ topics: e.currentTarget.value })}
          />
          <p id="topics-hint" class="muted">
            Separated by commas; empty follows every topic.
          </p>
          <fieldset>
            <legend>Sharing hours</legend>
            <label class="check-row">
              <input
                type="checkbox"
                checked={draft.ownHours}
                onChange={(e) => edit({ ownHours: e.currentTarget.checked })}
              />{' '}
              Use my own hours (company default {defaults.sharingHours.from}–
              {defaults.sharingHours.to})
            </label>
            <label for="from">From</label>
            <input
              id="from"
              type="time"
              disabled={!draft.ownHours}
              value={draft.from}
              onInput={(e) => edit({ from: e.currentTarget.value })}
            />
            <label for="to">To</label>
            <input
              id="to"
              type="time"
              disabled={!draft.ownHours}
              value={draft.to}
              onInput={(e) => edit({ to: e.currentTarget.value })}
            />
            <div class="days">
              {DAYS.map(({ day, label }) => (
                <label key={day} class="check-row">
                  <input
                    type="checkbox"
                    disabled={!draft.ownHours}
                    checked={draft.days.includes(day)}
                    onChange={(e) =>
                      edit({
                        days: e.currentTarget.checked
                          ? DAYS.map((d) => d.day).filter(
                              (d) => d === day || draft.days.includes(d),
                            )
                          : draft.days.filter((d) => d !== day),
                      })
                    }
                  />{' '}
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          <label for="zone">Time zone</label>
          <input
            id="zone"
            value={draft.timeZone}
            placeholder={me.employee.timeZone}
            aria-describedby="zone-hint"
            onInput={(e) => edit({ timeZone: e.currentTarget.value })}
          />
          <p id="zone-hint" class="muted">
            Such as Europe/Berlin; empty uses your directory’s ({me.employee.timeZone}).
          </p>
          <label class="check-row">
            <input
              type="checkbox"
              checked={draft.hidden}
              onChange={(e) => edit({ hidden: e.currentTarget.checked })}
            />{' '}
            Hide me from leaderboards
          </label>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              Save my sharing
            </button>
          </div>
        </form>
      )}
      {left ? null : (
        <section class="card" aria-labelledby="leave">
          <h2 id="leave">Leave the programme</h2>
          <p>Nothing more is shared for you, pending shares included; auto-share turns off.</p>
          {leaving ? (
            <div class="actions">
              <button
                type="button"
                class="danger"
                disabled={busy}
                onClick={() => act(leaveProgramme, 'You left the sharing programme.')}
              >
                Yes, leave
              </button>
              <button type="button" onClick={() => setLeaving(false)}>
                Stay
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => setLeaving(true)}>
              Leave the programme
            </button>
          )}
        </section>
      )}
    </>
  );
};

import { useEffect, useState } from 'preact/hooks';
import {
  getJob,
  getLeaderboard,
  getTeamBoard,
  type LeaderboardAnswer,
  sendThanks,
  type TeamBoardAnswer,
} from '../analytics-endpoints';
import { type ApiError, asApiError } from '../api';
import { Failure, Loading, useLoad } from '../load';
import { type Period, PeriodPicker } from './board-period';

const number = new Intl.NumberFormat();

/** Whom a thanks goes to: one person, or every active member of a team (a segment). */
type Recipient =
  | { kind: 'person'; employeeId: string; name: string }
  | { kind: 'team'; segmentId: string; name: string };

type Sending =
  | { kind: 'writing' }
  | { kind: 'sending' }
  | { kind: 'following'; jobId: string }
  | { kind: 'sent'; recipients: number }
  | { kind: 'failed'; error: ApiError };

const keyOf = (r: Recipient) =>
  r.kind === 'person' ? `person:${r.employeeId}` : `team:${r.segmentId}`;

const POLL_MS = 1000;

/**
 * Writing a thanks and sending it. One Idempotency-Key per thanks written: a second click or a
 * retry after a lost answer thanks nobody twice. A team's thanks is a job, followed to its end.
 */
const ThanksForm = ({ to, onClose }: { to: Recipient; onClose: () => void }) => {
  const [message, setMessage] = useState('');
  const [state, setState] = useState<Sending>({ kind: 'writing' });
  // One key per message sent: a second click or a retry of the same words replays the first
  // answer; changed words are a new thanks (the API refuses a key reused for other words).
  const [key, setKey] = useState(() => crypto.randomUUID());
  const jobId = state.kind === 'following' ? state.jobId : undefined;

  useEffect(() => {
    if (!jobId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gone = false;
    const poll = async () => {
      try {
        const answer = await getJob(jobId);
        if (gone) return;
        if (answer.job.state === 'done') {
          setState({ kind: 'sent', recipients: answer.thanks?.recipients ?? 0 });
          return;
        }
        timer = setTimeout(poll, POLL_MS);
      } catch (error) {
        if (!gone) setState({ kind: 'failed', error: asApiError(error) });
      }
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  const send = async () => {
    setState({ kind: 'sending' });
    try {
      const answer = await sendThanks(
        to.kind === 'person' ? { employeeId: to.employeeId } : { segmentId: to.segmentId },
        message,
        key,
      );
      setState(
        answer.job
          ? { kind: 'following', jobId: answer.job.jobId }
          : { kind: 'sent', recipients: answer.recipients ?? 1 },
      );
    } catch (error) {
      setState({ kind: 'failed', error: asApiError(error) });
    }
  };

  const id = `thanks-${keyOf(to).replace(':', '-')}`;
  if (state.kind === 'sent') {
    return (
      <div class="thanks" role="status">
        <p>
          {to.kind === 'person'
            ? `Thanks sent to ${to.name}.`
            : `Thanks sent to ${number.format(state.recipients)} ${state.recipients === 1 ? 'person' : 'people'} in ${to.name}.`}
        </p>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    );
  }
  return (
    <form
      class="thanks"
      aria-label={`Thank ${to.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label for={id}>Message to {to.name}</label>
      <textarea
        id={id}
        required
        maxLength={500}
        value={message}
        onInput={(e) => {
          setMessage(e.currentTarget.value);
          setKey(crypto.randomUUID());
        }}
      />
      {state.kind === 'following' ? (
        <div role="status">
          <p>Thanking each member of {to.name}…</p>
          <progress aria-label={`Thanks to ${to.name} progress`} />
        </div>
      ) : null}
      {state.kind === 'failed' ? <Failure error={state.error} /> : null}
      <div class="actions">
        <button
          type="submit"
          class="primary"
          disabled={state.kind === 'sending' || state.kind === 'following' || !message.trim()}
        >
          Send thanks
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
};

const Boards = ({ advocates, teams }: { advocates: LeaderboardAnswer; teams: TeamBoardAnswer }) => {
  const [thanking, setThanking] = useState<Recipient | undefined>();
  const isThanking = (r: Recipient) => thanking !== undefined && keyOf(thanking) === keyOf(r);
  const thankButton = (r: Recipient) => (
    <button
      type="button"
      aria-label={`Thank ${r.name}`}
      aria-expanded={isThanking(r)}
      onClick={() => setThanking(isThanking(r) ? undefined : r)}
    >
      Thank
    </button>
  );
  return (
    <div class="boards">
      <section aria-labelledby="people-board">
        <h3 id="people-board">Top advocates</h3>
        {advocates.advocates.length ? (
          <ol class="board" aria-label="Advocates by points">
            {advocates.advocates.map((a) => {
              const person: Recipient | undefined = a.employeeId
                ? { kind: 'person', employeeId: a.employeeId, name: a.name }
                : undefined;
              return (
                <li key={`${a.rank}-${a.employeeId ?? a.name}`}>
                  <span>
                    {a.rank}. {a.name}
                  </span>
                  <span>{number.format(a.points)} points</span>
                  {person ? thankButton(person) : null}
                  {person && isThanking(person) ? (
                    <ThanksForm to={person} onClose={() => setThanking(undefined)} />
                  ) : null}
                </li>
              );
            })}
          </ol>
        ) : (
          <p>Nobody has points in this period yet.</p>
        )}
        {advocates.complete === false ? (
          <p class="muted small">Only the part of the board that could be read quickly is shown.</p>
        ) : null}
      </section>
      <section aria-labelledby="team-board">
        <h3 id="team-board">Teams</h3>
        {teams.teams.length ? (
          <ol class="board" aria-label="Teams by points per active advocate">
            {teams.teams.map((t) => {
              const team: Recipient = { kind: 'team', segmentId: t.segmentId, name: t.name };
              return (
                <li key={t.segmentId}>
                  <span>
                    {t.rankByAverage}. {t.name}
                  </span>
                  <span>
                    {number.format(t.averagePerAdvocate)} points per advocate ({t.activeAdvocates}{' '}
                    active; {number.format(t.points)} in all, number {t.rankByTotal} by total)
                  </span>
                  {thankButton(team)}
                  {isThanking(team) ? (
                    <ThanksForm to={team} onClose={() => setThanking(undefined)} />
                  ) : null}
                </li>
              );
            })}
          </ol>
        ) : (
          <p>No team has points in this period yet.</p>
        )}
      </section>
    </div>
  );
};

/** The people and teams behind the figures, by points, each a click away from a thanks. */
export const AdvocateBoards = () => {
  const [period, setPeriod] = useState<Period>('month');
  const load = useLoad(
    () =>
      Promise.all([getLeaderboard(period), getTeamBoard(period)]).then(([advocates, teams]) => ({
        advocates,
        teams,
      })),
    [period],
  );
  return (
    <section aria-labelledby="boards-heading" class="card">
      <h2 id="boards-heading">Advocates and teams</h2>
      <PeriodPicker id="board-period" period={period} onChange={setPeriod} />
      <Loading load={load} what="the leaderboards">
        {(boards) => <Boards {...boards} />}
      </Loading>
    </section>
  );
};

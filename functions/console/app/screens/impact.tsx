import { useState } from 'preact/hooks';
import type { Figure } from '#shared/analytics/figure';
import { Loading, useLoad } from '../load';
import {
  getLeaderboard,
  getMyRecognition,
  getMyStats,
  getTeamBoard,
  type LeaderboardAnswer,
  type MyStats,
  type TeamBoardAnswer,
} from '../me-endpoints';
import { type Period, PeriodPicker } from './board-period';

const number = new Intl.NumberFormat();
/** A figure no network gives is unknown, never a zero. */
const shown = (figure: Figure) =>
  figure.value === null ? 'not reported' : number.format(figure.value);
const SOURCE: Record<Figure['source'], string> = {
  measured: 'measured by the networks',
  counted: 'counted by Chorus',
  estimated: 'estimated',
};

const Stat = ({ label, figure }: { label: string; figure: Figure }) => (
  <div class="stat">
    <dt>{label}</dt>
    <dd>
      {shown(figure)} <span class="muted">({figure.note ?? SOURCE[figure.source]})</span>
    </dd>
  </div>
);

const engagement = (totals: MyStats['totals']): Figure => {
  const parts = [totals.reactions, totals.comments, totals.reshares];
  const known = parts.filter((f) => f.value !== null);
  return {
    value: known.length ? known.reduce((sum, f) => sum + (f.value ?? 0), 0) : null,
    source: 'measured',
    note: 'reactions, comments and reshares the networks reported',
  };
};

/** The leaderboards for a period: people, then teams; my own standing said in words. */
const Leaderboards = () => {
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
    <section aria-labelledby="boards" class="card">
      <h2 id="boards">Leaderboards</h2>
      <PeriodPicker id="period" period={period} onChange={setPeriod} />
      <Loading load={load} what="the leaderboards">
        {(boards) => <Boards {...boards} />}
      </Loading>
    </section>
  );
};

/** My own standing said in words, then people and teams by points. */
const Boards = ({ advocates, teams }: { advocates: LeaderboardAnswer; teams: TeamBoardAnswer }) => {
  const me = advocates.me;
  return (
    <>
      {me ? (
        <p>
          {me.hidden
            ? `You hide from leaderboards; you have ${number.format(me.points)} points.`
            : me.rank !== null
              ? `You are number ${me.rank} with ${number.format(me.points)} points.`
              : me.beyond !== undefined
                ? `You have ${number.format(me.points)} points: beyond the top ${number.format(me.beyond)}.`
                : `You have ${number.format(me.points)} points and no rank yet.`}
        </p>
      ) : null}
      <h3>People</h3>
      {advocates.advocates.length ? (
        <ol class="board" aria-label="People by points">
          {advocates.advocates.map((a) => (
            <li key={`${a.rank}-${a.name}`}>
              <span>
                {a.rank}. {a.name}
              </span>
              <span>{number.format(a.points)} points</span>
            </li>
          ))}
        </ol>
      ) : (
        <p>Nobody has points in this period yet.</p>
      )}
      {advocates.complete === false ? (
        <p>Only the part of the board that could be read quickly is shown.</p>
      ) : null}
      <h3>My teams</h3>
      {teams.teams.length ? (
        <ol class="board" aria-label="My teams by points per advocate">
          {teams.teams.map((t) => (
            <li key={t.segmentId}>
              <span>
                {t.rankByAverage}. {t.name}
              </span>
              <span>
                {number.format(t.averagePerAdvocate)} points per advocate ({t.activeAdvocates}{' '}
                active)
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p>None of your teams has points in this period yet.</p>
      )}
    </>
  );
};

/** What my sharing did: shares, reach, clicks, engagement, points, thanks; then the boards. */
export const Impact = () => {
  const load = useLoad(
    () =>
      Promise.all([getMyStats(), getMyRecognition()]).then(([{ stats }, recognition]) => ({
        stats,
        recognition,
      })),
    [],
  );

  return (
    <>
      <h1 tabIndex={-1}>My impact</h1>
      <Loading load={load} what="your figures">
        {(mine) => (
          <>
            <section aria-labelledby="figures" class="card">
              <h2 id="figures">My figures</h2>
              <dl class="stats">
                <Stat label="Shares" figure={mine.stats.totals.shares} />
                <Stat label="Reach" figure={mine.stats.reachScore} />
                <Stat label="Potential reach" figure={mine.stats.totals.potentialReach} />
                <Stat label="Clicks" figure={mine.stats.totals.clicks} />
                <Stat label="Engagement" figure={engagement(mine.stats.totals)} />
                <div class="stat">
                  <dt>Points</dt>
                  <dd>
                    {number.format(mine.recognition.points.month ?? 0)} this month,{' '}
                    {number.format(mine.recognition.points.quarter ?? 0)} this quarter
                  </dd>
                </div>
              </dl>
            </section>
            <section aria-labelledby="my-shares" class="card">
              <h2 id="my-shares">My shares</h2>
              {mine.stats.topContent.length ? (
                <ul class="rows" aria-label="My shares by post">
                  {mine.stats.topContent.map((row) => (
                    <li key={row.postId}>
                      <strong>{row.title}</strong>
                      <span>
                        {number.format(row.shares)} {row.shares === 1 ? 'share' : 'shares'},{' '}
                        {number.format(row.clicks)} {row.clicks === 1 ? 'click' : 'clicks'}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p>No shares yet: share a post from your feed.</p>
              )}
            </section>
            <section aria-labelledby="thanks" class="card">
              <h2 id="thanks">Thanks received</h2>
              {mine.recognition.thanks.length ? (
                <ul class="rows">
                  {mine.recognition.thanks.map((t) => (
                    <li key={t.thanksId}>
                      <q>{t.message}</q>
                      <span class="muted">
                        {new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(
                          new Date(t.at),
                        )}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p>No thanks yet.</p>
              )}
            </section>
          </>
        )}
      </Loading>
      <Leaderboards />
    </>
  );
};

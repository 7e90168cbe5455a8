import type {
  LeaderboardAnswer,
  MyRecognitionAnswer,
  MyStats,
  TeamBoardAnswer,
} from '#functions/api/answers/impact';
import type { AuthorizeAnswer, ConnectionsAnswer, MeAnswer } from '#functions/api/answers/me';
import type { PersonaliseAnswer, ShareCheckAnswer } from '#functions/api/answers/personalisation';
import type { ComplianceFinding } from '#shared/compliance/finding';
import type { KnownNetwork } from '#shared/networks/limits';
import { request } from './api';

/**
 * The employee's own calls beyond the feed: their words, their impact. Typed with the API's own
 * schemas through type-only imports, as endpoints.ts is.
 */
export type {
  ComplianceFinding,
  LeaderboardAnswer,
  MyRecognitionAnswer,
  MyStats,
  PersonaliseAnswer,
  TeamBoardAnswer,
};
export type ShareCheck = ShareCheckAnswer;

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/** Stores my own words: 200 ready to share, 202 waits for legal, 422 blocked (findings in it). */
export const personalise = (postId: string, network: KnownNetwork, text: string) =>
  request<PersonaliseAnswer>('PUT', `/me/personalisations/${path(postId, network)}`, { text });

/** The dry run of my own words: nothing stored, the whole text and every finding in it. */
export const checkMyWords = (postId: string, network: KnownNetwork, text: string) =>
  request<ShareCheckAnswer>('POST', '/compliance/check', { share: { postId, network, text } });

export const getMyStats = () => request<{ stats: MyStats }>('GET', '/me/stats');
export const getMyRecognition = () => request<MyRecognitionAnswer>('GET', '/me/recognition');
export const getLeaderboard = (period: LeaderboardAnswer['period']) =>
  request<LeaderboardAnswer>('GET', `/leaderboards?period=${period}`);
export const getTeamBoard = (period: LeaderboardAnswer['period']) =>
  request<TeamBoardAnswer>('GET', `/leaderboards/teams?period=${period}`);

// --- My sharing and Connected accounts ---
export type { AuthorizeAnswer, ConnectionsAnswer, MeAnswer };
export type Connection = ConnectionsAnswer['connections'][number];
export type Consent = MeAnswer['employee']['consent'];
export type ConsentChange = Partial<
  Pick<Consent, 'networks' | 'topics' | 'paused' | 'hiddenFromLeaderboards'>
> & {
  sharingHours?: Consent['sharingHours'] | null;
  timeZone?: string | null;
};

export const getMe = () => request<MeAnswer>('GET', '/me');
export const updateConsent = (change: ConsentChange) =>
  request<MeAnswer>('PUT', '/me/consent', change);
export const leaveProgramme = () => request<MeAnswer>('POST', '/me/leave');
export const rejoinProgramme = () => request<MeAnswer>('POST', '/me/join');

export const getConnections = () => request<ConnectionsAnswer>('GET', '/me/connections');
/** LinkedIn, X, Mastodon: where to send the browser to sign in at the network. */
export const authorize = (network: Connection['network'], instance?: string) =>
  request<AuthorizeAnswer>(
    'POST',
    `/me/connections/${network}/authorize`,
    instance ? { instance } : {},
  );
/** The sandbox (a handle) and Bluesky (an app password) connect in one call. */
export const connectDirectly = (
  network: 'sandbox' | 'bluesky',
  body: { handle: string } | { identifier: string; appPassword: string },
) => request<{ connection: Connection }>('PUT', `/me/connections/${network}`, body);
export const disconnect = (network: Connection['network']) =>
  request<{ disconnected: string }>('DELETE', `/me/connections/${network}`);

/**
 * The single-table key layout, in one place. gsi1 to gsi4 are sparse: an item carries their
 * keys only while it must be found through them.
 *
 * | item              | pk                     | sk                          | gsi1                                  | gsi2                              |
 * |-------------------|------------------------|-----------------------------|---------------------------------------|-----------------------------------|
 * | post              | POST#id                | POST                        | REVIEW#role / submittedAt#id (in review), POST_DEADLINES / deadline#id (live), POSTS_AWAITING_CHECK / lastAnnouncedAt#id (submitted) | REVIEW#role / plannedFor#id (in review) |
 * | post listing      | POST#id                | LIST#ALL / LIST#STATUS / LIST#AUTHOR / LIST#TITLE / LIST#SEGMENT#seg | | | gsi3: POSTS / updatedAt#id, POSTS_STATUS#status / updatedAt#id, POSTS_AUTHOR#author / updatedAt#id, POSTS_TITLE / normalised title#id, POSTS_SEGMENT#seg / updatedAt#id (while not deleted)
 * | post version      | POST#id                | VERSION#000003              |                                       |                                   |
 * | approval          | POST#id                | APPROVAL#000003#stage#user  |                                       |                                   |
 * | comment           | POST#id                | COMMENT#000003#at#id        |                                       |                                   |
 * | library entry     | LIBRARY#segment        | approvedAt#postId           |                                       |                                   |
 * | approval policy   | POLICY#approval        | CURRENT / VERSION#000002    |                                       |                                   |
 * | audit entry       | AUDIT#stream           | SEQ#000000000042            | AUDIT_POST#postId / at#stream#seq     | AUDIT_ACTOR#actor / at#stream#seq | gsi3: AUDIT_DAY#date / at#stream#seq
 * | audit dedupe      | AUDITKEY#key           | AUDITKEY                    |                                       |                                   |
 * | idempotency       | IDEMPOTENCY#user#route#key | IDEMPOTENCY             |                                       |                                   | (ttl)
 * | campaign          | CAMPAIGN#id            | CAMPAIGN                    | CAMPAIGNS_DUE / scheduledAt#id (while scheduled) | POST#postId#CAMPAIGNS / createdAt#id | gsi3: CAMPAIGNS_STATUS#status / scheduledAt#id; gsi4: CAMPAIGNS / scheduledAt#id
 * | employee          | EMPLOYEE#id            | PROFILE                     | DIRECTORY#shard / employeeId          |                                   | gsi3: DIRECTORY_NAMES / normalised name#id
 * | directory email   | EMPLOYEE_EMAIL#email   | EMPLOYEE_EMAIL              |                                       |                                   |
 * | identity link     | IDENTITY#sub           | IDENTITY                    |                                       |                                   |
 * | connection        | EMPLOYEE#id            | CONNECTION#network          |                                       | CONNECTION_NOTICES / noticeAt#employee#network (while a notice is due) |
 * | OAuth sign-in     | OAUTH#state            | OAUTH                       |                                       |                                   | (ttl)
 * | instance app      | INSTANCE_APP#network#origin | INSTANCE_APP           |                                       |                                   |
 * | tracked link      | LINK#code              | LINK                        | POST#postId#LINKS / shareId           |                                   |
 * | personalisation   | EMPLOYEE#id            | PERSONAL#postId#network     | PERSONALISATION_REVIEWS / at#id (pending) |                           |
 * | daily cap count   | EMPLOYEE#id            | CAP#network#local date      |                                   |                                   | (ttl)
 * | segment           | SEGMENTS               | SEGMENT#id                  |                                       |                                   |
 * | fan-out slice     | CAMPAIGN#id            | SLICE#shard                 | FANOUT_SLICES_RUNNING / checkpointAt#id#shard (not done) |                |
 * | deferred job      | JOB#shareId            | DEFERRED                    | DEFERRED#shard / dueAt#shareId        |                                   |
 * | API spend         | SPEND#yyyy-mm          | SPEND                       |                                       |                                   |
 * | share             | SHARE#id               | SHARE                       | POST#postId#SHARES / shareId          | POLL#network / nextPollAt#id (while polled), SHARES_CLAIMED#hex / leaseUntil#id (while publishing), SHARE_ISSUES#status / campaignId#startedAt#id (while unknown or failed, unresolved) | gsi3: SHARES_DAY#date / startedAt#id; gsi4: EMPLOYEE#id#SHARES / startedAt#id
 * | campaign tally    | TALLY#campaignId#hex   | TALLY                       |                                       |                                   | (16 shards: the share id's last hex digit)
 * | snapshot          | SHARE#id               | SNAPSHOT#iso time           |                                       |                                   |
 * | points entry      | EMPLOYEE#id            | POINTS#entryId              |                                       |                                   | gsi4: EMPLOYEE#id#POINTS / at#entryId (the ledger, by time)
 * | board counter     | BOARD#period           | EMPLOYEE#id                 | BOARD#period#RANKED / rankKey (W/M/Q, while shown on boards) |      | (period: D/W/M/Q key)
 * | team figures      | BOARD#period           | TEAM#segmentId#shard        |                                       |                                   | (W/M/Q points and advocates; R: by day)
 * | rolling counter   | BOARD#R                | EMPLOYEE#id                 | BOARD#R#RANKED#lastDay / rankKey (while shown on boards) |          | (the last 30 days, by day)
 * | thanks            | EMPLOYEE#id            | THANKS#at#id                |                                       |                                   |
 * | read window       | READS#scope            | WINDOW#iso start            |                                       |                                   | (ttl)
 * | read block        | READS#scope            | BLOCKED                     |                                       |                                   | (ttl)
 * | poll lease        | READS#scope            | LEASE                       |                                       |                                   |
 * | poll runs         | READS#network          | RUNS                        |                                       |                                   |
 * | sandbox post      | SANDBOX#externalId     | SANDBOX_POST                |                                       |                                   |
 * | sandbox key       | SANDBOX_KEY#key        | SANDBOX_KEY                 |                                       |                                   |
 * | background job    | BGJOB#id               | JOB                         |                                       |                                   | (ttl)
 * | job part          | BGJOB#id               | PART#000003                 |                                       |                                   | (ttl)
 * | job rejection     | BGJOB#id               | REJECT#000000000042 (line)  |                                       |                                   | (ttl)
 * | job's seen email  | BGJOB#id               | EMAIL#email                 |                                       |                                   | (ttl)
 * | outbox event      | OUTBOX#aggregate#seq   | OUTBOX                      |                                       |                                   | (ttl)
 */
export const keys = {
  post: (postId: string) => ({ pk: `POST#${postId}`, sk: 'POST' }),
  postVersion: (postId: string, version: number) => ({
    pk: `POST#${postId}`,
    sk: `VERSION#${pad(version, 6)}`,
  }),
  postVersionPrefix: 'VERSION#',
  /**
   * A post's entries in the marketing lists (gsi3), one per list it appears in: a post targets
   * several segments, and one item can sit in only one partition of an index.
   */
  postListing: (postId: string, list: string) => ({ pk: `POST#${postId}`, sk: `LIST#${list}` }),
  postListingPrefix: 'LIST#',
  postsAll: 'POSTS',
  postsByStatus: (status: string) => `POSTS_STATUS#${status}`,
  postsByAuthor: (authorId: string) => `POSTS_AUTHOR#${authorId}`,
  postsByTitle: 'POSTS_TITLE',
  postsBySegment: (segment: string) => `POSTS_SEGMENT#${segment}`,
  approval: (postId: string, version: number, stageId: string, userId: string) => ({
    pk: `POST#${postId}`,
    sk: `APPROVAL#${pad(version, 6)}#${stageId}#${userId}`,
  }),
  approvalPrefix: 'APPROVAL#',
  comment: (postId: string, version: number, at: string, commentId: string) => ({
    pk: `POST#${postId}`,
    sk: `COMMENT#${pad(version, 6)}#${at}#${commentId}`,
  }),
  commentPrefix: (version?: number) =>
    version === undefined ? 'COMMENT#' : `COMMENT#${pad(version, 6)}#`,
  reviewQueue: (role: string) => `REVIEW#${role}`,
  postDeadlines: 'POST_DEADLINES',
  /** Submitted posts whose compliance check has not run yet: the dispatcher's sweep reads it. */
  postsAwaitingCheck: 'POSTS_AWAITING_CHECK',
  library: (segment: string, approvedAt: string, postId: string) => ({
    pk: `LIBRARY#${segment}`,
    sk: `${approvedAt}#${postId}`,
  }),
  libraryOf: (segment: string) => `LIBRARY#${segment}`,
  policy: (kind: string, version?: number) => ({
    pk: `POLICY#${kind}`,
    sk: version === undefined ? 'CURRENT' : `VERSION#${pad(version, 6)}`,
  }),
  auditEntry: (stream: string, seq: number) => ({
    pk: `AUDIT#${stream}`,
    sk: `SEQ#${pad(seq, 12)}`,
  }),
  auditStream: (stream: string) => `AUDIT#${stream}`,
  auditStreamPrefix: 'AUDIT#',
  auditDedupe: (key: string) => ({ pk: `AUDITKEY#${key}`, sk: 'AUDITKEY' }),
  auditByPost: (postId: string) => `AUDIT_POST#${postId}`,
  auditByActor: (actor: string) => `AUDIT_ACTOR#${actor}`,
  auditByDay: (day: string) => `AUDIT_DAY#${day}`,
  idempotency: (userId: string, route: string, key: string) => ({
    pk: `IDEMPOTENCY#${userId}#${route}#${key}`,
    sk: 'IDEMPOTENCY',
  }),
  campaign: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'CAMPAIGN' }),
  campaignsDue: 'CAMPAIGNS_DUE',
  campaignsOfPost: (postId: string) => `POST#${postId}#CAMPAIGNS`,
  campaignsAll: 'CAMPAIGNS',
  campaignsByStatus: (status: string) => `CAMPAIGNS_STATUS#${status}`,
  employee: (employeeId: string) => ({ pk: `EMPLOYEE#${employeeId}`, sk: 'PROFILE' }),
  /** Which employee holds an email: one item per address, so two entries cannot share one. */
  employeeEmail: (email: string) => ({ pk: `EMPLOYEE_EMAIL#${email}`, sk: 'EMPLOYEE_EMAIL' }),
  /** Which employee a person (the token's `sub`) is, written once at their first sign-in. */
  identity: (sub: string) => ({ pk: `IDENTITY#${sub}`, sk: 'IDENTITY' }),
  connection: (employeeId: string, network: string) => ({
    pk: `EMPLOYEE#${employeeId}`,
    sk: `CONNECTION#${network}`,
  }),
  connectionPrefix: 'CONNECTION#',
  connectionNotices: 'CONNECTION_NOTICES',
  oauthState: (state: string) => ({ pk: `OAUTH#${state}`, sk: 'OAUTH' }),
  instanceApp: (network: string, origin: string) => ({
    pk: `INSTANCE_APP#${network}#${origin}`,
    sk: 'INSTANCE_APP',
  }),
  trackedLink: (code: string) => ({ pk: `LINK#${code}`, sk: 'LINK' }),
  /** A reader already counted on a link today, by their keyed hash (never their address). */
  linkReader: (readerHash: string) => ({ pk: `READER#${readerHash}`, sk: 'READER' }),
  linksOfPost: (postId: string) => `POST#${postId}#LINKS`,
  personalisation: (employeeId: string, postId: string, network: string) => ({
    pk: `EMPLOYEE#${employeeId}`,
    sk: `PERSONAL#${postId}#${network}`,
  }),
  personalisationReviews: 'PERSONALISATION_REVIEWS',
  directory: (shard: number) => `DIRECTORY#${pad(shard, 2)}`,
  /** The directory in name order (gsi3), for the admin's list and search by name prefix. */
  directoryByName: 'DIRECTORY_NAMES',
  dailyCount: (employeeId: string, network: string, localDate: string) => ({
    pk: `EMPLOYEE#${employeeId}`,
    sk: `CAP#${network}#${localDate}`,
  }),
  segment: (segmentId: string) => ({ pk: 'SEGMENTS', sk: `SEGMENT#${segmentId}` }),
  segments: { pk: 'SEGMENTS', prefix: 'SEGMENT#' },
  /** How many segments were ever defined: the cap's guard against two creations at once. */
  segmentCount: { pk: 'SEGMENTS', sk: 'COUNT' },
  fanOutSlice: (campaignId: string, shard: number) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `SLICE#${pad(shard, 2)}`,
  }),
  fanOutSlicePrefix: 'SLICE#',
  /** Fan-out slices not done yet, by their last checkpoint: the dispatcher's sweep reads it. */
  slicesRunning: 'FANOUT_SLICES_RUNNING',
  deferredJob: (shareId: string) => ({ pk: `JOB#${shareId}`, sk: 'DEFERRED' }),
  deferredJobsDue: (shard: number) => `DEFERRED#${pad(shard, 2)}`,
  spend: (month: string) => ({ pk: `SPEND#${month}`, sk: 'SPEND' }),
  share: (shareId: string) => ({ pk: `SHARE#${shareId}`, sk: 'SHARE' }),
  sharesOfPost: (postId: string) => `POST#${postId}#SHARES`,
  pollQueue: (network: string) => `POLL#${network}`,
  /** Shares someone has to look at (`unknown`, `failed`), until a person resolves them. */
  shareIssues: (status: string) => `SHARE_ISSUES#${status}`,
  /** Claimed shares by lease end, in 16 shards (the id's last hex digit) so claims spread. */
  sharesClaimed: (shard: string) => `SHARES_CLAIMED#${shard}`,
  sharesOfDay: (day: string) => `SHARES_DAY#${day}`,
  sharesOfEmployee: (employeeId: string) => `EMPLOYEE#${employeeId}#SHARES`,
  /**
   * One of a campaign's 16 counts of its shares' ends, by the share id's last hex digit: shares
   * ending together update different items, so their transactions do not conflict.
   */
  campaignTally: (campaignId: string, shard: string) => ({
    pk: `TALLY#${campaignId}#${shard}`,
    sk: 'TALLY',
  }),
  snapshot: (shareId: string, at: string) => ({ pk: `SHARE#${shareId}`, sk: `SNAPSHOT#${at}` }),
  snapshotPrefix: 'SNAPSHOT#',
  readWindow: (scope: string, start: string) => ({
    pk: `READS#${scope}`,
    sk: `WINDOW#${start}`,
  }),
  pointsEntry: (employeeId: string, entryId: string) => ({
    pk: `EMPLOYEE#${employeeId}`,
    sk: `POINTS#${entryId}`,
  }),
  pointsEntryPrefix: 'POINTS#',
  board: (period: string) => `BOARD#${period}`,
  /** A team's figures for a period (W/M/Q), or by day for the rolling window (R). */
  boardTeam: (period: string, segmentId: string, shard: number) => ({
    pk: `BOARD#${period}`,
    sk: `TEAM#${segmentId}#${pad(shard, 2)}`,
  }),
  /** A board's ranked index partition (gsi1): only people shown on boards are in it. */
  boardRanked: (period: string) => `BOARD#${period}#RANKED`,
  /** The rolling board's ranked partition of people whose last points came on `day`. */
  rollingRanked: (day: string) => `BOARD#R#RANKED#${day}`,
  /** An employee's ledger by time (gsi4). */
  ledgerOf: (employeeId: string) => `EMPLOYEE#${employeeId}#POINTS`,
  boardCounter: (period: string, employeeId: string) => ({
    pk: `BOARD#${period}`,
    sk: `EMPLOYEE#${employeeId}`,
  }),
  thanks: (employeeId: string, at: string, thanksId: string) => ({
    pk: `EMPLOYEE#${employeeId}`,
    sk: `THANKS#${at}#${thanksId}`,
  }),
  thanksPrefix: 'THANKS#',
  /** A read scope: a network, or `network@origin` for one server of a federated network. */
  readBlock: (scope: string) => ({ pk: `READS#${scope}`, sk: 'BLOCKED' }),
  readLease: (scope: string) => ({ pk: `READS#${scope}`, sk: 'LEASE' }),
  /** A network's finished poll runs, counted: their EngagementUpdated events are numbered by it. */
  pollRuns: (network: string) => ({ pk: `READS#${network}`, sk: 'RUNS' }),
  sandboxPost: (externalId: string) => ({ pk: `SANDBOX#${externalId}`, sk: 'SANDBOX_POST' }),
  /** An event committed with the change that caused it, until the relay has put it on the bus. */
  outbox: (aggregate: string, sequence: number) => ({
    pk: `OUTBOX#${aggregate}#${pad(sequence, 15)}`,
    sk: 'OUTBOX',
  }),
  sandboxKey: (idempotencyKey: string) => ({
    pk: `SANDBOX_KEY#${idempotencyKey}`,
    sk: 'SANDBOX_KEY',
  }),
  job: (jobId: string) => ({ pk: `BGJOB#${jobId}`, sk: 'JOB' }),
  jobPart: (jobId: string, part: number) => ({ pk: `BGJOB#${jobId}`, sk: `PART#${pad(part, 6)}` }),
  jobRejection: (jobId: string, line: number) => ({
    pk: `BGJOB#${jobId}`,
    sk: `REJECT#${pad(line, 12)}`,
  }),
  jobRejectionPrefix: 'REJECT#',
  jobEmail: (jobId: string, email: string) => ({ pk: `BGJOB#${jobId}`, sk: `EMAIL#${email}` }),
} as const;

/**
 * The families of partition keys: what a function may touch is a list of these, granted in AWS
 * as `dynamodb:LeadingKeys` patterns and enforced the same way by the local runtime. Every key
 * above starts with one of them (a unit test checks), so a new item type must be named here
 * before any function can reach it.
 */
export const PARTITIONS = {
  post: 'POST#',
  library: 'LIBRARY#',
  policy: 'POLICY#',
  audit: 'AUDIT#',
  auditDedupe: 'AUDITKEY#',
  idempotency: 'IDEMPOTENCY#',
  campaign: 'CAMPAIGN#',
  /** Profile, connections (sealed tokens), personalisations, caps, points and thanks. */
  employee: 'EMPLOYEE#',
  /** One item per directory email, so an address belongs to one employee. */
  employeeEmail: 'EMPLOYEE_EMAIL#',
  /** A sign-in's `sub` → employee link, written once. */
  identity: 'IDENTITY#',
  oauthState: 'OAUTH#',
  instanceApp: 'INSTANCE_APP#',
  trackedLink: 'LINK#',
  /** A reader's daily marker on a link (a keyed hash, never an address). */
  linkReader: 'READER#',
  segments: 'SEGMENTS',
  deferredJob: 'JOB#',
  spend: 'SPEND#',
  share: 'SHARE#',
  /** A campaign's shares counted by how they ended, in 16 shards. */
  campaignTally: 'TALLY#',
  board: 'BOARD#',
  readBudget: 'READS#',
  sandboxPost: 'SANDBOX#',
  sandboxKey: 'SANDBOX_KEY#',
  /** Long work run in the background (a directory import): its state, parts and rejections. */
  backgroundJob: 'BGJOB#',
  /** Events written in the transaction of their change; only the table's stream reads them. */
  outbox: 'OUTBOX#',
} as const;
export type Partition = keyof typeof PARTITIONS;

/** The partition family a stored key belongs to, if any. */
export const partitionOf = (pk: string): Partition | undefined =>
  (Object.keys(PARTITIONS) as Partition[]).find((family) =>
    matchesPartition(PARTITIONS[family], pk),
  );

/** As IAM reads the pattern `PREFIX*` (or, for a family of one partition, the exact value). */
const matchesPartition = (prefix: string, pk: string) =>
  prefix.endsWith('#') ? pk.startsWith(prefix) : pk === prefix;

/** The `dynamodb:LeadingKeys` pattern for a family. */
export const leadingKeyPattern = (family: Partition): string => {
  const prefix = PARTITIONS[family];
  return prefix.endsWith('#') ? `${prefix}*` : prefix;
};

/** Strips the key attributes so stored items parse as plain domain objects. */
export const withoutKeys = <T extends Record<string, unknown>>(item: T): Omit<T, KeyAttribute> => {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _e,
    gsi3sk: _f,
    gsi4pk: _h,
    gsi4sk: _i,
    ttl: _g,
    ...rest
  } = item;
  return rest;
};

type KeyAttribute =
  | 'pk'
  | 'sk'
  | 'gsi1pk'
  | 'gsi1sk'
  | 'gsi2pk'
  | 'gsi2sk'
  | 'gsi3pk'
  | 'gsi3sk'
  | 'gsi4pk'
  | 'gsi4sk'
  | 'ttl';

/** Zero-padded so numbers sort as text. */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * The one declaration of Chorus's wiring. The CDK stack (infra/stack.ts) and the local
 * runtime (infra/local/) are both built from these constants, and an infra test checks the
 * synthesized template against them, so the cloud and the laptop cannot drift apart.
 */
import { DETAIL_TYPES, EVENT_SOURCE } from '#shared/events/catalogue';
import type { Partition } from '#shared/store/keys';

export { ROLES } from '#shared/auth/roles';

export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

export const table = {
  id: 'Table',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Sparse indexes: an item carries an index's keys only while it must be found through it. */
  globalSecondaryIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  ],
  /** Epoch seconds after which DynamoDB may delete the item (idempotency records, outbox). */
  timeToLiveAttribute: 'ttl',
  /** The outbox relay reads new images; nothing else reads the stream. */
  stream: 'NEW_IMAGE',
} as const;

/** Where outbox records the relay could not deliver after its retries are parked. */
export const outboxRelayDelivery = {
  deadLetter: { id: 'OutboxRelayDeadLetterQueue', retentionDays: 14 },
} as const;

export const bus = { id: 'Bus', source: EVENT_SOURCE } as const;

export const shareQueue = {
  id: 'ShareQueue',
  /** Six times the worker's timeout, as AWS advises for SQS event sources. */
  visibilityTimeoutSeconds: 180,
  retentionDays: 4,
  /**
   * Generous, because a job that a network rate-limits comes back by staying on the queue, and
   * every return counts as a receive; a job that keeps failing still lands here within hours.
   */
  deadLetter: { id: 'ShareDeadLetterQueue', maxReceiveCount: 10, retentionDays: 14 },
  alarms: [
    {
      id: 'ShareQueueOldestMessageAlarm',
      metric: 'ApproximateAgeOfOldestMessage',
      statistic: 'Maximum',
      // Jobs due later wait in DynamoDB and reach the queue minutes before their time; a job
      // an hour old means the worker is not keeping up, or is not running.
      threshold: 3600,
      periodMinutes: 5,
      evaluationPeriods: 3,
      description: 'A share job has waited on the share queue for over an hour: shares are late.',
    },
  ],
} as const satisfies { alarms: readonly AlarmDeclaration[] } & Record<string, unknown>;

export type IndexName = (typeof table.globalSecondaryIndexes)[number]['name'];

/**
 * A function's share of the one table: only the partition families it works with (granted as
 * `dynamodb:LeadingKeys` in AWS, enforced alike by the local runtime) and the indexes it queries.
 */
export interface TableAccess {
  access: 'read' | 'readWrite';
  partitions: readonly Partition[];
  indexes: readonly IndexName[];
}

/** Audit entries and their dedupe markers: every stage that decides something records it. */
const AUDITED = ['audit', 'auditDedupe'] as const satisfies readonly Partition[];

/** What a function may touch. Each use becomes both an environment variable and a grant. */
export interface FunctionUses {
  table?: TableAccess;
  bus?: 'put';
  shareQueue?: 'send';
  /** The share worker parks jobs that can never be processed here, with the reason. */
  shareDeadLetterQueue?: 'send';
  /** The KMS key that seals social tokens: `seal` and `open` both, or `open` only. */
  tokenKey?: 'sealAndOpen' | 'open';
  /** The secret holding the company's network apps (client ids and secrets). */
  networkSettings?: 'read';
  /** The API's own URL: OAuth callbacks and tracked links point at it. */
  apiUrl?: true;
  /** The secret whose daily derived keys hash click readers (never stored as addresses). */
  clickKey?: 'read';
  /**
   * Where people sign in (Cognito's hosted sign-in domain in AWS, the local issuer locally) and
   * the app client the browser signs in with: the console hands both to the browser.
   */
  signIn?: true;
}

/**
 * A CloudWatch alarm on one metric of a declared resource (a queue, a function), sent to the
 * alarm topic. Declared beside what it watches, so a new function or queue brings its alarms.
 */
export interface AlarmDeclaration {
  id: string;
  /** The metric's name in the resource's namespace (AWS/SQS for queues, AWS/Lambda for functions). */
  metric: string;
  statistic: 'Maximum' | 'Sum' | 'Average';
  /** The alarm fires when the statistic is above this. */
  threshold: number;
  periodMinutes: number;
  evaluationPeriods: number;
  /** What it means for whoever is paged. */
  description: string;
}

export type FunctionTrigger =
  | { kind: 'http' }
  | { kind: 'event'; detailTypes: readonly DetailType[] }
  | { kind: 'schedule'; everyMinutes: number }
  /**
   * The table's stream (new images), read in order per shard: the outbox relay. Retried with the
   * failed half of a batch split off, then sent to the relay's dead-letter queue.
   */
  | {
      kind: 'stream';
      batchSize: number;
      maxBatchingWindowSeconds: number;
      retryAttempts: number;
      bisectOnError: boolean;
    }
  | {
      kind: 'queue';
      queue: 'share';
      batchSize: number;
      maxBatchingWindowSeconds: number;
      maxConcurrency: number;
    };

export interface FunctionDeclaration {
  /** Path of the handler module, relative to the repository root. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  uses: FunctionUses;
  trigger: FunctionTrigger;
  /** Extra environment beyond what `uses` derives. */
  environment?: Readonly<Record<string, string>>;
  /** Alarms on the function's own metrics (AWS/Lambda), e.g. a stream consumer's IteratorAge. */
  alarms?: readonly AlarmDeclaration[];
  /**
   * A browser app the function serves, built by esbuild beside the handler's bundle (in the
   * folder `BROWSER_APP_DIR`): by the CDK when it bundles, by the local runtime when it starts.
   */
  browserApp?: { entry: string };
}

/** The folder, beside a function's bundle, that holds its built browser app. */
export const BROWSER_APP_DIR = 'browser-app';

export const functions = {
  api: {
    entry: 'functions/api/handler.ts',
    description: 'Content, approval, campaign, employee and analytics API',
    memoryMb: 1024,
    timeoutSeconds: 10,
    uses: {
      table: {
        access: 'readWrite',
        partitions: [
          ...AUDITED,
          'outbox',
          'post',
          'library',
          'policy',
          'idempotency',
          'campaign',
          'employee',
          'employeeEmail',
          'identity',
          'oauthState',
          'instanceApp',
          'trackedLink',
          'segments',
          'spend',
          'share',
          'campaignTally',
          'board',
          'backgroundJob',
        ],
        indexes: ['gsi1', 'gsi2', 'gsi3', 'gsi4'],
      },
      shareQueue: 'send',
      tokenKey: 'sealAndOpen',
      networkSettings: 'read',
      apiUrl: true,
    },
    trigger: { kind: 'http' },
  },
  complianceCheck: {
    entry: 'functions/compliance-check/handler.ts',
    description: 'Checks a submitted post against the compliance policy',
    memoryMb: 512,
    timeoutSeconds: 30,
    uses: {
      table: {
        access: 'readWrite',
        partitions: [...AUDITED, 'outbox', 'post', 'library', 'policy'],
        indexes: [],
      },
    },
    trigger: { kind: 'event', detailTypes: [DETAIL_TYPES.postSubmitted] },
  },
  dispatcher: {
    entry: 'functions/dispatcher/handler.ts',
    description:
      'Announces due campaigns, releases deferred share jobs, sweeps deadlines and abandoned share claims',
    memoryMb: 512,
    timeoutSeconds: 50,
    uses: {
      table: {
        access: 'readWrite',
        partitions: [
          ...AUDITED,
          'outbox',
          'campaign',
          'deferredJob',
          'employee',
          'post',
          'library',
          'share',
          'campaignTally',
        ],
        indexes: ['gsi1', 'gsi2'],
      },
      shareQueue: 'send',
    },
    trigger: { kind: 'schedule', everyMinutes: 1 },
  },
  shareFanout: {
    entry: 'functions/share-fanout/handler.ts',
    description: 'Turns a due campaign into one share job per eligible (employee, network)',
    memoryMb: 1024,
    timeoutSeconds: 300,
    uses: {
      table: {
        access: 'readWrite',
        partitions: [
          ...AUDITED,
          'campaign',
          'deferredJob',
          'employee',
          'post',
          'segments',
          'policy',
          'spend',
          'outbox',
        ],
        indexes: ['gsi1'],
      },
      shareQueue: 'send',
    },
    trigger: {
      kind: 'event',
      detailTypes: [DETAIL_TYPES.campaignDue, DETAIL_TYPES.campaignSliceDue],
    },
  },
  shareWorker: {
    entry: 'functions/share-worker/handler.ts',
    description: 'Publishes share jobs on the employees’ networks',
    memoryMb: 512,
    timeoutSeconds: 30,
    uses: {
      table: {
        access: 'readWrite',
        partitions: [
          ...AUDITED,
          'outbox',
          'campaign',
          'policy',
          'employee',
          'deferredJob',
          'trackedLink',
          'post',
          'share',
          'campaignTally',
          'segments',
          'instanceApp',
          'sandboxPost',
          'sandboxKey',
        ],
        indexes: [],
      },
      // No bus: a share's events leave through the outbox, committed with the share's write.
      shareQueue: 'send',
      shareDeadLetterQueue: 'send',
      tokenKey: 'sealAndOpen',
      networkSettings: 'read',
      apiUrl: true,
    },
    trigger: {
      kind: 'queue',
      queue: 'share',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 20,
    },
  },
  engagementPoller: {
    entry: 'functions/engagement-poller/handler.ts',
    description: 'Reads engagement of recent shares back from the networks',
    memoryMb: 512,
    timeoutSeconds: 120,
    uses: {
      table: {
        access: 'readWrite',
        partitions: [
          ...AUDITED,
          'outbox',
          'employee',
          'policy',
          'trackedLink',
          'readBudget',
          'board',
          // The segments a person is in when they earn points: their teams' figures.
          'segments',
          'share',
          'instanceApp',
          'sandboxPost',
        ],
        indexes: ['gsi2'],
      },
      // No bus: a run's EngagementUpdated leaves through the outbox, committed with its record.
      networkSettings: 'read',
    },
    // Every 5 minutes, so a reading due on the 15-minute step is at most 5 minutes late.
    trigger: { kind: 'schedule', everyMinutes: 5 },
  },
  jobRunner: {
    entry: 'functions/job-runner/handler.ts',
    description:
      'Runs long work in the background (directory imports, campaign previews, large analytics reports, policy impact), slice by slice',
    memoryMb: 1024,
    // Lambda's longest run; a job longer than one run hands itself on to a fresh invocation.
    timeoutSeconds: 900,
    uses: {
      table: {
        access: 'readWrite',
        // A run handing the rest on commits its JobRunDue in the outbox, never on the bus.
        partitions: [
          ...AUDITED,
          'backgroundJob',
          'employee',
          'employeeEmail',
          'post',
          'campaign',
          'segments',
          'policy',
          'outbox',
          // A background analytics report reads shares (and the campaigns' fan-out records).
          'share',
        ],
        // gsi1: the directory, the scheduled campaigns and shares by post; gsi3: the approved posts
        // and shares by day; gsi4: shares by employee (a background analytics report).
        indexes: ['gsi1', 'gsi3', 'gsi4'],
      },
      // Texts are measured with a tracked link of the real shape.
      apiUrl: true,
    },
    trigger: { kind: 'event', detailTypes: [DETAIL_TYPES.jobRunDue] },
  },
  outboxRelay: {
    entry: 'functions/outbox-relay/handler.ts',
    description: 'Puts the events committed in the outbox on the bus, from the table stream',
    memoryMb: 256,
    timeoutSeconds: 30,
    // The stream only: no table reads or writes, and the bus.
    uses: { bus: 'put' },
    trigger: {
      kind: 'stream',
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 10,
      bisectOnError: true,
    },
    alarms: [
      {
        id: 'OutboxRelayIteratorAgeAlarm',
        metric: 'IteratorAge',
        statistic: 'Maximum',
        // Milliseconds: events older than five minutes on the stream are late for every stage.
        threshold: 300_000,
        periodMinutes: 5,
        evaluationPeriods: 2,
        description:
          'The outbox relay is over five minutes behind the table stream: events are late.',
      },
    ],
  },
  clickRedirect: {
    entry: 'functions/click-redirect/handler.ts',
    description: 'Sends readers of a tracked link on to its destination and counts the click',
    memoryMb: 256,
    timeoutSeconds: 5,
    // Only tracked links and their readers' markers: not the audit chain, the idempotency
    // records or anyone's tokens.
    uses: {
      table: { access: 'readWrite', partitions: ['trackedLink', 'linkReader'], indexes: [] },
      clickKey: 'read',
    },
    trigger: { kind: 'http' },
  },
  console: {
    entry: 'functions/console/handler.ts',
    description: 'Serves the web console: its page, its hashed assets and its sign-in settings',
    memoryMb: 256,
    timeoutSeconds: 5,
    // No table, no bus: the console reads nothing but its own files and where sign-in is.
    uses: { signIn: true },
    trigger: { kind: 'http' },
    browserApp: { entry: 'functions/console/app/main.tsx' },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof functions;

export interface RouteDeclaration {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  function: FunctionName;
  /** Why this route needs no JWT; every other route does. */
  public?: string;
}

/** Which roles may call each route is decided by the API's router, next to its schemas. */
export const routes = [
  { method: 'GET', path: '/posts', function: 'api' },
  { method: 'POST', path: '/posts', function: 'api' },
  { method: 'GET', path: '/posts/{postId}', function: 'api' },
  { method: 'PUT', path: '/posts/{postId}', function: 'api' },
  { method: 'DELETE', path: '/posts/{postId}', function: 'api' },
  { method: 'GET', path: '/posts/{postId}/versions', function: 'api' },
  { method: 'GET', path: '/posts/{postId}/diff', function: 'api' },
  { method: 'POST', path: '/posts/{postId}/submit', function: 'api' },
  { method: 'POST', path: '/posts/{postId}/withdraw', function: 'api' },
  { method: 'POST', path: '/posts/{postId}/approve', function: 'api' },
  { method: 'POST', path: '/posts/{postId}/reject', function: 'api' },
  { method: 'POST', path: '/posts/{postId}/request-changes', function: 'api' },
  { method: 'GET', path: '/posts/{postId}/approvals', function: 'api' },
  { method: 'GET', path: '/posts/{postId}/review', function: 'api' },
  { method: 'GET', path: '/posts/{postId}/comments', function: 'api' },
  { method: 'POST', path: '/posts/{postId}/comments', function: 'api' },
  { method: 'GET', path: '/posts/{postId}/analytics', function: 'api' },
  { method: 'PUT', path: '/posts/{postId}/reviewers', function: 'api' },
  { method: 'GET', path: '/reviews', function: 'api' },
  { method: 'GET', path: '/library', function: 'api' },
  { method: 'GET', path: '/policies/approval', function: 'api' },
  { method: 'PUT', path: '/policies/approval', function: 'api' },
  { method: 'GET', path: '/policies/approval/versions', function: 'api' },
  { method: 'GET', path: '/policies/compliance', function: 'api' },
  { method: 'PUT', path: '/policies/compliance', function: 'api' },
  { method: 'GET', path: '/policies/compliance/versions', function: 'api' },
  { method: 'POST', path: '/policies/compliance/impact', function: 'api' },
  { method: 'POST', path: '/policies/compliance/dry-run', function: 'api' },
  { method: 'GET', path: '/policies/sharing', function: 'api' },
  { method: 'PUT', path: '/policies/sharing', function: 'api' },
  { method: 'GET', path: '/policies/sharing/versions', function: 'api' },
  { method: 'GET', path: '/policies/engagement', function: 'api' },
  { method: 'PUT', path: '/policies/engagement', function: 'api' },
  { method: 'GET', path: '/policies/engagement/versions', function: 'api' },
  { method: 'GET', path: '/policies/recognition', function: 'api' },
  { method: 'PUT', path: '/policies/recognition', function: 'api' },
  { method: 'GET', path: '/policies/recognition/versions', function: 'api' },
  { method: 'GET', path: '/leaderboards', function: 'api' },
  { method: 'GET', path: '/leaderboards/teams', function: 'api' },
  { method: 'POST', path: '/recognition/thanks', function: 'api' },
  { method: 'GET', path: '/me/recognition', function: 'api' },
  { method: 'GET', path: '/analytics', function: 'api' },
  { method: 'POST', path: '/analytics/reports', function: 'api' },
  { method: 'GET', path: '/analytics/reports/{jobId}', function: 'api' },
  { method: 'GET', path: '/me/stats', function: 'api' },
  { method: 'POST', path: '/compliance/check', function: 'api' },
  { method: 'PUT', path: '/me/personalisations/{postId}/{network}', function: 'api' },
  { method: 'GET', path: '/reviews/personalisations', function: 'api' },
  {
    method: 'POST',
    path: '/reviews/personalisations/{personalisationId}/approve',
    function: 'api',
  },
  {
    method: 'POST',
    path: '/reviews/personalisations/{personalisationId}/reject',
    function: 'api',
  },
  { method: 'GET', path: '/audit', function: 'api' },
  { method: 'GET', path: '/audit/verify', function: 'api' },
  { method: 'GET', path: '/campaigns', function: 'api' },
  { method: 'POST', path: '/campaigns', function: 'api' },
  { method: 'POST', path: '/campaigns/preview', function: 'api' },
  { method: 'GET', path: '/campaigns/{campaignId}', function: 'api' },
  { method: 'POST', path: '/campaigns/{campaignId}/cancel', function: 'api' },
  { method: 'PUT', path: '/campaigns/{campaignId}/schedule', function: 'api' },
  { method: 'GET', path: '/employees', function: 'api' },
  { method: 'POST', path: '/employees', function: 'api' },
  { method: 'POST', path: '/employees/import', function: 'api' },
  { method: 'GET', path: '/employees/{employeeId}', function: 'api' },
  { method: 'PATCH', path: '/employees/{employeeId}', function: 'api' },
  { method: 'PUT', path: '/employees/{employeeId}/status', function: 'api' },
  { method: 'GET', path: '/jobs/{jobId}', function: 'api' },
  { method: 'PUT', path: '/jobs/{jobId}/parts/{part}', function: 'api' },
  { method: 'POST', path: '/jobs/{jobId}/start', function: 'api' },
  { method: 'GET', path: '/segments', function: 'api' },
  { method: 'POST', path: '/segments/preview', function: 'api' },
  { method: 'PUT', path: '/segments/{segmentId}', function: 'api' },
  { method: 'GET', path: '/segments/{segmentId}/members', function: 'api' },
  { method: 'GET', path: '/me', function: 'api' },
  { method: 'PUT', path: '/me/consent', function: 'api' },
  { method: 'POST', path: '/me/leave', function: 'api' },
  { method: 'POST', path: '/me/join', function: 'api' },
  { method: 'PUT', path: '/me/connections/{network}', function: 'api' },
  { method: 'POST', path: '/me/connections/{network}/authorize', function: 'api' },
  {
    method: 'GET',
    path: '/oauth/{network}/callback',
    function: 'api',
    public:
      'The network sends the browser back here without a Chorus token; the one-time, 10-minute sign-in state is the proof.',
  },
  { method: 'DELETE', path: '/me/connections/{network}', function: 'api' },
  { method: 'GET', path: '/me/connections', function: 'api' },
  { method: 'GET', path: '/me/feed', function: 'api' },
  { method: 'POST', path: '/me/shares', function: 'api' },
  { method: 'POST', path: '/me/feed/{campaignId}/decline', function: 'api' },
  { method: 'GET', path: '/shares', function: 'api' },
  { method: 'POST', path: '/shares/{shareId}/resolve', function: 'api' },
  ...(['GET', 'HEAD'] as const).map((method) => ({
    method,
    path: '/l/{code}',
    function: 'clickRedirect' as const,
    public: 'A tracked link in a public post: whoever reads the post follows it, signed in or not.',
  })),
  ...['/console', '/console/{path+}'].map((path) => ({
    method: 'GET' as const,
    path,
    function: 'console' as const,
    public:
      'The console’s page, scripts and sign-in settings hold no data; the browser signs in after loading them, and every API call it makes carries the token.',
  })),
  {
    method: 'GET',
    path: '/openapi.json',
    function: 'api',
    public: 'The OpenAPI description is public on purpose; it holds no data.',
  },
] as const satisfies readonly RouteDeclaration[];

export const routeKey = (route: RouteDeclaration): string => `${route.method} ${route.path}`;

/**
 * The gateway's `$default` route: every request no route above matches reaches the API's handler,
 * which answers 404 (or 405) in the API's own error shape instead of the gateway's
 * `{"message":"Not Found"}`. Public, so a request without a token gets the same answer.
 */
export const defaultRoute = {
  routeKey: '$default',
  function: 'api',
  public:
    'Answers 404/405 for paths no route serves, reading nothing; the same answer with or without a token.',
} as const satisfies { routeKey: '$default'; function: FunctionName; public: string };

/** Environment variable names derived from `uses`; one place, so name and grant never drift. */
export const ENV = {
  table: 'TABLE_NAME',
  bus: 'EVENT_BUS_NAME',
  shareQueue: 'SHARE_QUEUE_URL',
  shareDeadLetterQueue: 'SHARE_DLQ_URL',
  tokenKey: 'TOKEN_KEY',
  networkSettings: 'NETWORK_SETTINGS_SECRET',
  apiUrl: 'API_URL',
  clickKey: 'CLICK_KEY_SECRET',
  /** JSON `{ "url": sign-in base URL, "clientId": app client id }`. */
  signIn: 'SIGN_IN',
} as const;

/**
 * How EventBridge delivers to its targets: retried, then parked in a dead-letter queue. This
 * covers delivery only (throttling, a missing target); a handler that throws is Lambda's to
 * retry, below.
 */
export const eventDelivery = {
  retryAttempts: 4,
  maxEventAgeHours: 2,
  deadLetter: { id: 'EventDeadLetterQueue', retentionDays: 14 },
} as const;

/**
 * What Lambda does with an asynchronous invocation (a bus event, a schedule's tick) whose handler
 * fails: retries it, then sends the event with the error to its on-failure destination, the
 * event dead-letter queue. One queue for every event-driven function, on purpose: each record
 * names its function and its error, so one place to look, one redrive (`npm run dlq -- --events`)
 * and one alarm lose nothing a queue per function would tell.
 */
export const asyncFailures = {
  /** Lambda's maximum: a bus event is worth every retry. */
  event: { retryAttempts: 2, maxEventAgeSeconds: 2 * 3600 },
  /** A failed tick is not retried: the next tick does the same work within minutes. */
  schedule: { retryAttempts: 0, maxEventAgeSeconds: 60 },
  destination: eventDelivery.deadLetter.id,
} as const;

/** The retries and age of an asynchronously invoked function; none for HTTP and queue triggers. */
export const asyncInvocationOf = (
  trigger: FunctionTrigger,
): { retryAttempts: number; maxEventAgeSeconds: number } | undefined =>
  trigger.kind === 'event' || trigger.kind === 'schedule' ? asyncFailures[trigger.kind] : undefined;

/**
 * Where alarms go: a topic the deployer subscribes to (email, chat, pager). Every dead-letter
 * queue gets the depth alarm below; other alarms are declared with what they watch (the share
 * queue above, a function's `alarms`).
 */
export const alarmTopic = {
  id: 'AlarmTopic',
  deadLetterDepth: {
    metric: 'ApproximateNumberOfMessagesVisible',
    statistic: 'Maximum',
    threshold: 0,
    periodMinutes: 5,
    evaluationPeriods: 1,
  },
} as const;

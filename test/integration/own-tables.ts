/**
 * Tables of their own for tests that poll engagement: a poller reads every share due on a
 * network, so tests that poll one table (in parallel, or one after another with their own clocks)
 * would read each other's shares.
 */
export const OWN_TABLES = {
  pollFleet: 'chorus-poll-fleet',
  pollRateLimit: 'chorus-poll-429',
  pollServerError: 'chorus-poll-5xx',
  pollConnections: 'chorus-poll-connections',
  analytics: 'chorus-analytics',
  recognition: 'chorus-recognition',
  pipelinePoll: 'chorus-pipeline-poll',
  fuzz: 'chorus-fuzz',
  fourEyes: 'chorus-four-eyes',
} as const;

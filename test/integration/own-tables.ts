/**
 * More tables, for tests within one file that poll engagement: a poller reads every share due on
 * a network, so tests that poll one table (in parallel, or one after another with their own
 * clocks) would read each other's shares. Every file already has a table of its own (setup.ts).
 */
export const OWN_TABLES = {
  pollFleet: 'chorus-poll-fleet',
  pollRateLimit: 'chorus-poll-429',
  pollServerError: 'chorus-poll-5xx',
  pollConnections: 'chorus-poll-connections',
  pollInstanceDown: 'chorus-poll-instance-down',
  pollInstanceLimited: 'chorus-poll-instance-429',
  analytics: 'chorus-analytics',
  recognition: 'chorus-recognition',
  pipelinePoll: 'chorus-pipeline-poll',
} as const;

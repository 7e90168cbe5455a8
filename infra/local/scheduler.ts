import { randomUUID } from 'node:crypto';
import type { Invoke } from '#infra/local/lambda-runtime';
import { CLOCK_OFFSET_VARIABLE } from '#shared/clock';

export interface LocalSchedule {
  name: string;
  everyMinutes: number;
  target: Invoke;
}

export interface LocalScheduler {
  now(): Date;
  /** Moves the local clock forward and fires every schedule once at the new time. */
  advance(minutes: number): Promise<Date>;
  stop(): void;
}

/** What EventBridge delivers for a schedule; `time` is whole seconds, as in AWS. */
export const scheduledEvent = (ruleName: string, at: Date) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [`arn:aws:events:us-east-1:000000000000:rule/${ruleName}`],
  detail: {},
});

/**
 * The schedules, on a clock that can be fast-forwarded: the schedule's event carries the
 * (shifted) time, and every function reads the same shifted time through `#shared/clock`.
 */
export const startScheduler = (
  schedules: readonly LocalSchedule[],
  log: (line: string) => void,
  /** A tick whose handler failed (it is not retried, as declared): its on-failure destination. */
  onFailure: (
    schedule: LocalSchedule,
    event: unknown,
    error: unknown,
  ) => Promise<void> = async () => undefined,
): LocalScheduler => {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const fire = async (schedule: LocalSchedule) => {
    const event = scheduledEvent(schedule.name, now());
    try {
      await schedule.target(event);
    } catch (error) {
      log(`schedule ${schedule.name} failed: ${(error as Error).message}`);
      await onFailure(schedule, event, error).catch((e: unknown) =>
        log(
          `schedule ${schedule.name}: its failure could not be recorded: ${(e as Error).message}`,
        ),
      );
    }
  };
  const timers = schedules.map((s) => setInterval(() => void fire(s), s.everyMinutes * 60_000));
  return {
    now,
    advance: async (minutes) => {
      offsetMs += minutes * 60_000;
      process.env[CLOCK_OFFSET_VARIABLE] = String(offsetMs);
      for (const schedule of schedules) await fire(schedule);
      return now();
    },
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
};

import { schedule } from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from '../src/logger';

export interface Job {
  run(): Promise<void>;
}

export interface ScheduledJob {
  name: string;
  cron: string;
  job: Job;
}

export interface RunningScheduler {
  /** Runs every job once, now (used at start so nothing waits for the first tick). */
  runAll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs each job on its cron expression with node-cron. A job never overlaps itself; a failing
 * run is logged and the next tick tries again, so one bad row or a database hiccup never stops
 * the scheduler.
 */
export function startScheduler(jobs: ScheduledJob[], logger: Logger): RunningScheduler {
  const running = new Set<Promise<void>>();
  const runOnce = async (entry: ScheduledJob) => {
    try {
      await entry.job.run();
    } catch (error) {
      logger.error('scheduled job failed', {
        job: entry.name,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  };
  const busy = new Set<string>();
  const tick = (entry: ScheduledJob) => {
    if (busy.has(entry.name)) {
      return;
    }
    busy.add(entry.name);
    const run = runOnce(entry).finally(() => {
      busy.delete(entry.name);
      running.delete(run);
    });
    running.add(run);
    return run;
  };
  const tasks: ScheduledTask[] = jobs.map((entry) =>
    schedule(entry.cron, () => tick(entry), { name: entry.name, noOverlap: true }),
  );
  return {
    runAll: async () => {
      await Promise.all(jobs.map((entry) => tick(entry)));
    },
    stop: async () => {
      await Promise.all(tasks.map((task) => task.stop()));
      await Promise.all([...running]);
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}

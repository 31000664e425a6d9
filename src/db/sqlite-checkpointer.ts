import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';

/** How often the thread copies the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 250;

/**
 * Copies the SQLite write-ahead log back into the database file from a worker thread.
 *
 * Left to itself, SQLite checkpoints inside the COMMIT that pushes the log over
 * `wal_autocheckpoint` pages: that commit copies the pages and waits for two fsyncs. Campaign
 * generation writes a page of the (campaign, number) index per message at a million recipients
 * (the numbers come in no order), so most of its commits paid for a checkpoint: COMMIT took 26
 * of its 67 seconds (bench/README.md). Here the copy and the fsyncs run on another thread, with
 * its own connection, while the app's thread goes on; PASSIVE never blocks a writer or a reader.
 * The app's connection keeps a (larger) automatic checkpoint as a backstop, so the log stays
 * bounded even if this thread falls behind or stops.
 */
export class SqliteCheckpointer {
  private constructor(
    private readonly worker: Worker,
    private readonly exited: Promise<void>,
  ) {}

  static start(file: string, intervalMs: number, logger: Logger): SqliteCheckpointer {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file, intervalMs },
    });
    // A checkpointer must never keep the process alive on its own.
    worker.unref();
    worker.on('message', (message: { error?: string }) => {
      if (message.error) {
        logger.warn('background WAL checkpoint failed; SQLite checkpoints on commit instead', {
          error: message.error,
        });
      }
    });
    worker.on('error', (error) => {
      logger.warn('the WAL checkpoint thread stopped; SQLite checkpoints on commit instead', {
        error: error.message,
      });
    });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    return new SqliteCheckpointer(worker, exited);
  }

  /** Stops the thread after its last checkpoint, and closes its connection. */
  async stop(): Promise<void> {
    // Referenced again, or a process with nothing else to do would exit before the thread.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}

// Plain CommonJS evaluated in the worker: the same code under ts-jest, tsx and compiled dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let failed = false;
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failed = false;
  } catch (error) {
    // Said once per run of failures, not every interval.
    if (!failed) parentPort.postMessage({ error: String(error && error.message) });
    failed = true;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

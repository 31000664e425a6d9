/**
 * Everything the bench starts (MariaDB, fake gateways, workers, children, temporary files) is
 * registered here and torn down in reverse order, on success, on failure and on Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';

type Cleanup = () => Promise<void> | void;

const cleanups: Array<{ name: string; run: Cleanup }> = [];
const children = new Set<ChildProcess>();

/** Registers a teardown step; returns a function that runs it now (and only once). */
export function onCleanup(name: string, run: Cleanup): () => Promise<void> {
  const entry = { name, run };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index >= 0) {
      cleanups.splice(index, 1);
      await entry.run();
    }
  };
}

/** Tracks a child process so that it is killed if the bench stops before it does. */
export function trackChild(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function runCleanups(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child, 5_000)));
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      await entry.run();
    } catch (error) {
      process.stderr.write(
        `cleanup '${entry.name}' failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
}

/** Last resort when the process is leaving anyway: kill what is still running, synchronously. */
export function killChildrenNow(): void {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

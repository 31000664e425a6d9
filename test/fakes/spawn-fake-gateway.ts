/**
 * Runs run-fake-gateway.ts in a child process (for tests whose app or worker is another
 * process, or that want the fake to outlive a jest worker) and reads its one JSON line.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { FakeGatewayName } from './index';
import type { AcceptedMessage, RecordedRequest, ScriptedResponse } from './fake-server';

export interface FakeGatewayProcessInfo {
  name: FakeGatewayName;
  url: string;
  credentials: Record<string, string>;
  /** Variables for createGateway() (or the app's environment) to send to this fake. */
  env: Record<string, string>;
}

export interface FakeGatewayProcess extends FakeGatewayProcessInfo {
  readonly child: ChildProcess;
  received(): Promise<{ requests: RecordedRequest[]; accepted: AcceptedMessage[] }>;
  script(...responses: ScriptedResponse[]): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(__dirname, 'run-fake-gateway.ts');

export async function spawnFakeGateway(
  name: FakeGatewayName,
  options: { port?: number; credentials?: Record<string, string>; startTimeoutMs?: number } = {},
): Promise<FakeGatewayProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, FAKE_GATEWAY_PORT: String(options.port ?? 0) };
  if (options.credentials) {
    env.FAKE_GATEWAY_CREDENTIALS = JSON.stringify(options.credentials);
  }
  // `node --import tsx` keeps it one process: a signal reaches the fake itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, name], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });

  const info = await new Promise<FakeGatewayProcessInfo>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fake ${name} did not start in time: ${stderr}`));
    }, options.startTimeoutMs ?? 15_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(JSON.parse(line) as FakeGatewayProcessInfo);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake ${name} exited with ${String(code)}: ${stderr}`));
    });
  });

  const control = async (
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
  ): Promise<Response> => {
    const response = await fetch(`${info.url}/__fake/${route}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`fake ${name}: ${method} /__fake/${route} answered ${response.status}`);
    }
    return response;
  };

  return {
    ...info,
    child,
    received: async () =>
      (await (await control('GET', 'received')).json()) as {
        requests: RecordedRequest[];
        accepted: AcceptedMessage[];
      },
    script: async (...responses) => {
      await control('POST', 'script', responses);
    },
    reset: async () => {
      await control('POST', 'reset');
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

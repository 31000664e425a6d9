/**
 * Starts one fake SMS provider in its own process, for tests that run the app or the worker as
 * a child process:
 *
 *   npx tsx test/fakes/run-fake-gateway.ts <twilio|clickatell|bulksms|vonage>
 *
 * Environment: FAKE_GATEWAY (the name, when not given as argument), FAKE_GATEWAY_PORT (default 0
 * = any free port), FAKE_GATEWAY_CREDENTIALS (JSON object overriding the default credentials).
 *
 * Prints exactly one JSON line on stdout once listening:
 *   {"name":"twilio","url":"http://127.0.0.1:40123","credentials":{…},"env":{"SMS_PROVIDER":…}}
 * where `env` is what createGateway() needs to send to this fake. Then, over HTTP on that URL:
 *   GET  /__fake/received → {"requests":[…],"accepted":[…]}
 *   POST /__fake/script   ← a ScriptedResponse or an array of them (see fake-server.ts) → 204
 *   POST /__fake/reset    → 204
 * Stops on SIGTERM or SIGINT.
 */
import { FAKE_GATEWAY_NAMES, isFakeGatewayName, startFakeGateway } from './index';

async function main(): Promise<void> {
  const name = process.argv[2] ?? process.env.FAKE_GATEWAY ?? '';
  if (!isFakeGatewayName(name)) {
    throw new Error(`usage: run-fake-gateway.ts <${FAKE_GATEWAY_NAMES.join('|')}> (got '${name}')`);
  }
  const port = Number(process.env.FAKE_GATEWAY_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`FAKE_GATEWAY_PORT='${process.env.FAKE_GATEWAY_PORT}' is not a port number`);
  }
  const credentials = process.env.FAKE_GATEWAY_CREDENTIALS
    ? (JSON.parse(process.env.FAKE_GATEWAY_CREDENTIALS) as Record<string, string>)
    : undefined;
  const started = await startFakeGateway(name, { port, credentials });
  const stop = (): void => {
    void started.fake.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(
    `${JSON.stringify({ name, url: started.fake.url, credentials: started.credentials, env: started.env })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

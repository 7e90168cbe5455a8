import { parseArgs } from 'node:util';
import { JavaMissingError } from '#infra/local/dynamodb-local';
import { assertPortFree, PortUnavailableError } from '#infra/local/ports';

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.CHORUS_PORT ?? '4000' },
    data: { type: 'string', default: process.env.CHORUS_DATA_DIR ?? '.chorus' },
    'in-memory': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

const log = (line: string) => console.log(`chorus: ${line}`);

const apiPort = Number(values.port);
if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65_535) {
  console.error(`chorus: --port must be a port number (0 picks a free one), not ${values.port}`);
  process.exit(1);
}

try {
  // Port 0 asks for any free port, which cannot be taken.
  if (apiPort !== 0) await assertPortFree(apiPort);
  // Loaded only now, so a refusal comes at once rather than after every handler's imports.
  const { startLocalRuntime } = await import('#infra/local/runtime');
  const runtime = await startLocalRuntime({
    dataDir: values.data,
    persist: !values['in-memory'],
    reset: values.reset,
    apiPort,
    logLevel: values.verbose ? 'INFO' : 'WARN',
    log,
  });
  console.log(`
Chorus is running locally.

  API            ${runtime.apiUrl}
  Console        ${runtime.apiUrl}/console   (sign in as anyone: pick a person or type an email)
  data           ${values['in-memory'] ? 'in memory (gone when stopped)' : `${values.data}/ (npm start -- --reset wipes it)`}

Get a token for a role (marketing, legal, employee, admin):
  npm run token -- marketing
  npm run token -- employee --email ada@example.com

Then, for example:
  curl -H "Authorization: Bearer $(npm run -s token -- marketing)" ${runtime.apiUrl}/posts/xyz

Run the whole scenario against it:  npm run demo
Ctrl-C stops everything.
`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  if (error instanceof PortUnavailableError) {
    console.error(`chorus: ${error.message}`);
  } else if (error instanceof JavaMissingError) {
    console.error(
      `chorus: ${error.message} Install a JDK (e.g. apt-get install openjdk-17-jre-headless) and try again.`,
    );
  } else {
    console.error(`chorus: could not start: ${(error as Error).message}`);
  }
  process.exit(1);
}

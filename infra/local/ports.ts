import { createServer } from 'node:net';

/** A port the OS says is free now, for children (like DynamoDB Local) that need a number. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });

export class PortUnavailableError extends Error {
  override readonly name = 'PortUnavailableError';
}

/**
 * Refuses a port something else holds, before anything is started: found later, the error
 * would come after DynamoDB Local had started, from deep inside the HTTP server.
 */
export const assertPortFree = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new PortUnavailableError(
          error.code === 'EADDRINUSE'
            ? `port ${port} is in use (another \`npm start\`?); stop it, or choose another with \`npm start -- --port ${port + 1}\``
            : `cannot listen on port ${port} (${error.code ?? error.message}); choose another with \`npm start -- --port <n>\``,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });

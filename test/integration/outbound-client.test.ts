import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient, type OutboundRequest } from '#shared/outbound/client';
import type { Resolver } from '#shared/outbound/destination';
import { OutboundError } from '#shared/outbound/errors';
import { startTrap, type Trap } from '../fixtures/trap';

/** A plain-http server on loopback, answering each request as `handle` says. */
const listen = async (handle: (path: string, response: ServerResponse) => void) => {
  const seen: { path: string; host: string | undefined }[] = [];
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url ?? '/', host: request.headers.host });
    handle(request.url ?? '/', response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Names this test's resolver knows; anything else does not resolve. */
const resolverOf =
  (names: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const answers = names[hostname];
    if (!answers) throw new Error(`ENOTFOUND ${hostname}`);
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const failureOf = async (work: Promise<unknown>): Promise<OutboundError> => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundError);
  return error as OutboundError;
};

let trap: Trap;
beforeAll(async () => {
  trap = await startTrap();
});
afterAll(() => trap.stop());

describe('the outbound guard refuses every private destination, and nothing reaches it', () => {
  const names = {
    'ten.example': ['10.0.0.1'],
    'loop.example': ['127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'six-loop.example': ['::1'],
    'ula.example': ['fd00::1'],
    'mapped.example': ['::ffff:10.0.0.1'],
    'mixed.example': ['93.184.216.34', '127.0.0.1'],
  };
  const client = createOutboundClient({ resolve: resolverOf(names) });
  // Built when each test runs: the trap's port is known only then.
  const at =
    (host: string, scheme = 'https') =>
    () =>
      `${scheme}://${host}:${trap.port}/admin/secret`;

  it.each([
    ['plain http to a loopback literal', at('127.0.0.1', 'http')],
    ['plain http to a public name', at('mixed.example', 'http')],
    ['a loopback IPv4 literal', at('127.0.0.1')],
    ['a loopback literal in hex', at('0x7f000001')],
    ['a loopback IPv6 literal', at('[::1]')],
    ['an IPv4-mapped loopback literal', at('[::ffff:127.0.0.1]')],
    ['the metadata address literal', at('169.254.169.254')],
    ['localhost. (fully qualified)', at('localhost.')],
    ['a.localhost', at('a.localhost')],
    ['a single-label name', at('intranet')],
    ['a name resolving to 10.x', at('ten.example')],
    ['a name resolving to 127.x', at('loop.example')],
    ['a name resolving to 169.254.169.254', at('metadata.example')],
    ['a name resolving to ::1', at('six-loop.example')],
    ['a name resolving to fd00::', at('ula.example')],
    ['a name resolving to ::ffff:10.0.0.1', at('mapped.example')],
    ['a name with one private answer among public ones', at('mixed.example')],
    ['credentials in the URL', () => `https://user:pw@mixed.example:${trap.port}/`],
  ])('refuses %s', async (_, url) => {
    const error = await failureOf(client.request({ method: 'POST', url: url(), body: '{}' }));
    expect(error.kind).toBe('refused');
    expect(trap.connections).toBe(0);
  });
});

describe('the outbound guard connects to the address it checked', () => {
  it('asks the resolver once and connects to its answer, keeping the name as Host', async () => {
    const fake = await listen((_, response) => response.end('{"ok":true}'));
    let lookups = 0;
    const client = createOutboundClient({
      resolve: async () => {
        lookups += 1;
        return [{ address: '127.0.0.1', family: 4 }];
      },
      // The system's DNS does not know this name: only the pinned answer can reach the fake.
      allowOrigins: [`http://pinned.test:${fake.port}`],
    });
    const answer = await client.request({
      method: 'GET',
      url: `http://pinned.test:${fake.port}/x`,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe('{"ok":true}');
    expect(lookups).toBe(1);
    expect(fake.seen).toEqual([{ path: '/x', host: `pinned.test:${fake.port}` }]);
    await fake.stop();
  });

  it('a DNS answer that changes between check and connect does not reach the new address', async () => {
    let lookups = 0;
    const client = createOutboundClient({
      resolve: async () => {
        lookups += 1;
        // Public when checked, loopback for anyone who asks again.
        return [{ address: lookups === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
      },
    });
    const error = await failureOf(
      client.request({
        method: 'GET',
        url: `https://rebind.example:${trap.port}/`,
        timeoutMs: 500,
      }),
    );
    expect(['unreachable', 'timed_out']).toContain(error.kind);
    expect(lookups).toBe(1);
    expect(trap.connections).toBe(0);
  });
});

describe('the outbound guard follows redirects only when asked, each hop checked', () => {
  let hops: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    hops = await listen((path, response) => {
      const [, target, n] = /^\/(\w+)\/(\d+)$/.exec(path) ?? [];
      const next = Number(n);
      const location =
        target === 'private'
          ? `https://internal.example:${trap.port}/admin`
          : target === 'loopback'
            ? `http://127.0.0.1:${trap.port}/admin`
            : next > 0
              ? `/${target}/${next - 1}`
              : undefined;
      if (target === 'chain' && next === 0) {
        response.end('arrived');
        return;
      }
      if (target === 'trap' && next === 0) {
        response.writeHead(302, { location: `${trap.url}/admin` }).end();
        return;
      }
      response.writeHead(302, { location: location ?? '/' }).end('redirect body');
    });
  });
  afterAll(() => hops.stop());
  /** `alsoTrap`: the trap is allowed too, so that only the hop limit can keep a hop from it. */
  const get = (path: string, more: Partial<OutboundRequest> = {}, alsoTrap = false) =>
    createOutboundClient({
      resolve: resolverOf({ 'internal.example': ['127.0.0.1'] }),
      allowOrigins: alsoTrap ? [hops.url, trap.url] : [hops.url],
    }).request({ method: 'GET', url: `${hops.url}${path}`, ...more });

  it('refuses a redirect the caller did not allow', async () => {
    const error = await failureOf(get('/chain/1'));
    expect(error.kind).toBe('refused');
    expect(error.message).not.toContain('redirect body');
  });

  it('follows up to 3 when allowed', async () => {
    const answer = await get('/chain/3', { redirects: 3 });
    expect(answer.body.toString()).toBe('arrived');
  });

  it('refuses a redirect from an allowed host to a private name or a loopback literal', async () => {
    for (const path of ['/private/1', '/loopback/1']) {
      expect((await failureOf(get(path, { redirects: 3 }))).kind).toBe('refused');
    }
    expect(trap.connections).toBe(0);
  });

  it('refuses the 4th redirect, which never reaches its target', async () => {
    // /trap/3 → /trap/2 → /trap/1 → /trap/0 → the trap: the last hop is the 4th.
    // However many the caller allows, 3 is the most.
    const error = await failureOf(get('/trap/3', { redirects: 10 }, true));
    expect(error.kind).toBe('refused');
    expect(trap.connections).toBe(0);
  });

  it('does not carry the Authorization header to another origin', async () => {
    const other = await listen((_, response) => response.end('ok'));
    const seenAuth: (string | undefined)[] = [];
    other.server.prependListener('request', (request) =>
      seenAuth.push(request.headers.authorization),
    );
    const redirector = await listen((_, response) =>
      response.writeHead(307, { location: `${other.url}/next` }).end(),
    );
    const answer = await createOutboundClient({
      allowOrigins: [other.url, redirector.url],
    }).request({
      method: 'GET',
      url: `${redirector.url}/start`,
      headers: { authorization: 'Bearer secret' },
      redirects: 1,
    });
    expect(answer.status).toBe(200);
    expect(seenAuth).toEqual([undefined]);
    await Promise.all([other.stop(), redirector.stop()]);
  });
});

describe('the outbound guard bounds what it reads and how long it waits', () => {
  it('cuts off an answer larger than the cap without reading the rest', async () => {
    let written = 0;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let onClose: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      onClose = resolve;
    });
    const big = await listen((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.on('close', () => onClose());
      // 400 MB, written only as fast as the client reads.
      const pump = () => {
        while (written < 400 * 1024 * 1024 && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    const url = big.url;
    const before = process.memoryUsage().rss;
    const error = await failureOf(
      createOutboundClient({ allowOrigins: [url] }).request({
        method: 'GET',
        url,
        maxBytes: 1024 * 1024,
      }),
    );
    await closed;
    expect(error.kind).toBe('too_large');
    expect(error.message).not.toContain('aaaa');
    // The socket was closed soon after the cap: socket buffers, not 400 MB, were sent.
    expect(written).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    await big.stop();
  });

  it('refuses an answer whose declared length is over the cap before reading it', async () => {
    const big = await listen((_, response) => {
      response.writeHead(200, { 'content-length': String(500 * 1024 * 1024) });
      response.write('x');
    });
    const error = await failureOf(
      createOutboundClient({ allowOrigins: [big.url] }).request({
        method: 'GET',
        url: big.url,
        maxBytes: 1024,
      }),
    );
    expect(error.kind).toBe('too_large');
    await big.stop();
  });

  it('gives up on a host that does not answer, at the deadline', async () => {
    const silent = await listen(() => undefined);
    const started = Date.now();
    const error = await failureOf(
      createOutboundClient({ allowOrigins: [silent.url] }).request({
        method: 'GET',
        url: silent.url,
        timeoutMs: 300,
      }),
    );
    expect(error.kind).toBe('timed_out');
    expect(Date.now() - started).toBeLessThan(2_000);
    await silent.stop();
  });

  it('counts a resolver that never answers against the same deadline', async () => {
    const error = await failureOf(
      createOutboundClient({ resolve: () => new Promise(() => undefined) }).request({
        method: 'GET',
        url: 'https://slow-dns.example/',
        timeoutMs: 300,
      }),
    );
    expect(error.kind).toBe('timed_out');
  });
});

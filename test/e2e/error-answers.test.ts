import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * The local runtime's answers to bad requests, over HTTP: every answer our code gives is
 * `{"error":{"code","message"}}`, never a 5xx for bad input; the gateway's own refusals keep its
 * `{"message"}` shape, as API Gateway cannot be made to answer otherwise.
 */
let runtime: RunningRuntime;
const tokens = new Map<string, string>();

/** fetch() normalises paths; a raw request sends `%ff` exactly as a hostile client would. */
const raw = (
  path: string,
  options: { method?: string; token?: string; body?: string } = {},
): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve, reject) => {
    const url = new URL(runtime.apiUrl);
    const call = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    call.on('error', reject);
    call.end(options.body);
  });

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  for (const role of ['marketing', 'admin']) {
    const answer = await fetch(`${runtime.apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role, email: `${role}-errors@chorus.local` }),
    });
    tokens.set(role, ((await answer.json()) as { token: string }).token);
  }
});

afterAll(async () => {
  await runtime?.stop();
});

const ours = (code: string) => ({
  error: expect.objectContaining({ code, message: expect.any(String) }),
});

describe('answers to bad requests, over HTTP', () => {
  it('a malformed percent-encoding in a path is a 400 in our shape, not a 500', async () => {
    expect(await raw('/posts/%ff', { token: tokens.get('marketing') })).toEqual({
      status: 400,
      body: ours('invalid_request'),
    });
    expect(await raw('/employees/%ff', { token: tokens.get('admin') })).toEqual({
      status: 400,
      body: ours('invalid_request'),
    });
    expect(await raw('/l/%ff')).toEqual({ status: 400, body: ours('invalid_request') });
  });

  it('an unknown route reaches our handler and gets our 404, signed in or not', async () => {
    expect(await raw('/no/such/route', { token: tokens.get('marketing') })).toEqual({
      status: 404,
      body: ours('not_found'),
    });
    expect(await raw('/no/such/route')).toEqual({ status: 404, body: ours('not_found') });
    expect(await raw('/_local/no-such-control')).toEqual({ status: 404, body: ours('not_found') });
  });

  it('a known path with another method gets our 405', async () => {
    const answer = await raw('/posts/abc', { method: 'PATCH', token: tokens.get('marketing') });
    expect(answer).toEqual({ status: 405, body: ours('method_not_allowed') });
  });

  it('the gateway’s own refusals keep the gateway’s shape, as in the cloud', async () => {
    expect(await raw('/posts/abc')).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    const tooLarge = await raw('/posts', {
      method: 'POST',
      token: tokens.get('marketing'),
      body: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(tooLarge).toEqual({ status: 413, body: { message: 'Request Entity Too Large' } });
  });
});

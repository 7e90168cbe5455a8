/** A tiny HTTP client for the local API, as any user's script would use it. */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export const createApiClient = (apiUrl: string) => {
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      // A redirect is an answer to report, not to follow (tracked links point off this machine).
      redirect: 'manual',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON: keep the text, the caller reports it.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };

  const token = async (role: string, email?: string, name?: string): Promise<string> => {
    const answer = await call<{ token: string }>('POST', '/_local/token', undefined, {
      role,
      email,
      name,
    });
    if (answer.status !== 200) throw new Error(`Could not get a ${role} token: ${answer.status}`);
    return answer.body.token;
  };

  return { call, token };
};

export type ApiClient = ReturnType<typeof createApiClient>;

import { idToken, startSignIn } from './sign-in';

/** An answer in the API's one error shape, `{"error":{"code","message"}}`, made typed. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The rest of the answer's `error` (a compliance refusal's `findings` and `text`). */
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Whatever a call threw, as an ApiError a screen can show (a bug in the console says so). */
export const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError
    ? error
    : new ApiError(0, 'unexpected', 'Something went wrong in the console; reload the page.');

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; [more: string]: unknown };
}

const errorOf = (status: number, body: unknown): ApiError => {
  const error = (body as ErrorBody | undefined)?.error;
  return new ApiError(
    status,
    typeof error?.code === 'string' ? error.code : `http_${status}`,
    typeof error?.message === 'string'
      ? error.message
      : `The server answered ${status}; try again in a moment.`,
    error ?? {},
  );
};

const parseJson = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Sends a request with the signed-in person's ID token and answers its text. A 401 means the
 * sign-in is over: the browser goes through sign-in again and comes back to this page. Any other
 * failure is an ApiError read from the API's error shape.
 */
const send = async (
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<string> => {
  const token = idToken();
  if (!token) {
    await startSignIn();
    throw new ApiError(401, 'signing_in', 'Signing you in again…');
  }
  let answer: Response;
  try {
    answer = await fetch(path, {
      method,
      headers: {
        ...headers,
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'Chorus cannot be reached; check your connection.');
  }
  const text = await answer.text();
  if (answer.status === 401) {
    await startSignIn();
    throw new ApiError(401, 'signing_in', 'Your sign-in has ended; signing you in again…');
  }
  if (!answer.ok) throw errorOf(answer.status, parseJson(text));
  return text;
};

/** Calls the API and reads its JSON answer; `headers` adds e.g. an Idempotency-Key. */
export const request = async <T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> => {
  return parseJson(await send(method, path, body, headers)) as T;
};

/** A GET whose answer is text rather than JSON: a CSV export, as the API writes it. */
export const requestText = (path: string): Promise<string> => send('GET', path, undefined, {});

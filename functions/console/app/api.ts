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

/**
 * Calls the API with the signed-in person's ID token. A 401 means the sign-in is over: the
 * browser goes through sign-in again and comes back to this page.
 */
export const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
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
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'Chorus cannot be reached; check your connection.');
  }
  const text = await answer.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (answer.status === 401) {
    await startSignIn();
    throw new ApiError(401, 'signing_in', 'Your sign-in has ended; signing you in again…');
  }
  if (!answer.ok) throw errorOf(answer.status, parsed);
  return parsed as T;
};

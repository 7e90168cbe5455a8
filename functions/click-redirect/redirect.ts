import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  type ClickRules,
  capHourOf,
  readerMarkerExpiry,
  readerOf,
} from '#shared/links/click-counting';
import type { ReaderHasher } from '#shared/links/reader-key';
import { isLinkPreviewAgent, LinkCode } from '#shared/links/tracked-link';
import { logger } from '#shared/logger';
import type { ClickOutcome, LinkStore } from '#shared/store/links';
import { hasLoneSurrogate, hasMalformedPercentEncoding } from '#shared/text/well-formed';

export interface RedirectDependencies {
  links: Pick<LinkStore, 'get' | 'countClick'>;
  readers: ReaderHasher;
  rules: Pick<ClickRules, 'countedPerLinkPerHour'>;
  now: () => Date;
}

/** Answered as every refusal of the API is: a JSON error, whoever follows the link. */
const notFound = (): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify({ error: { code: 'not_found', message: 'This link does not exist.' } }),
});

/** A path the gateway could not decode is the caller's mistake, said in the API's shape. */
const badPath = (): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 400,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify({
    error: {
      code: 'invalid_request',
      message: 'The link is malformed',
      fields: [{ field: 'path.code', message: 'malformed percent-encoding or not Unicode' }],
    },
  }),
});

/** Counts the click if it should; never throws, so counting can never keep a reader from the page. */
const countQuietly = async (
  code: string,
  sourceIp: string | undefined,
  deps: RedirectDependencies,
): Promise<ClickOutcome | 'no-reader' | 'failed'> => {
  const reader = readerOf(sourceIp);
  if (!reader) return 'no-reader';
  const at = deps.now();
  try {
    const hash = await deps.readers(code, reader, at);
    return await deps.links.countClick(code, { hash, expiresAt: readerMarkerExpiry(at) }, at, {
      hour: capHourOf(at),
      perHour: deps.rules.countedPerLinkPerHour,
    });
  } catch (error) {
    // The code and the error's name only: never the reader's address.
    logger.warn('click not counted', { code, error: (error as Error).name });
    return 'failed';
  }
};

/**
 * A reader following a share's link: 302 to the destination with its UTM parameters. A GET from
 * a person counts once per reader and day, within the link's hourly cap; HEAD requests and
 * link-preview crawlers are sent on uncounted. The reader is API Gateway's `sourceIp` (the TCP
 * peer), never a header the caller writes.
 */
export const redirectClick = async (
  event: APIGatewayProxyEventV2,
  deps: RedirectDependencies,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const raw = event.pathParameters?.code ?? '';
  if (hasMalformedPercentEncoding(raw) || hasLoneSurrogate(raw)) return badPath();
  const code = LinkCode.safeParse(raw);
  if (!code.success) return notFound();
  const link = await deps.links.get(code.data);
  if (!link) return notFound();
  const userAgent = event.headers?.['user-agent'];
  if (event.requestContext.http.method === 'GET' && !isLinkPreviewAgent(userAgent)) {
    const outcome = await countQuietly(code.data, event.requestContext.http.sourceIp, deps);
    logger.debug('click', { code: code.data, outcome });
  }
  return {
    statusCode: 302,
    // no-store: a cached redirect would hide the next click from the count.
    headers: {
      location: link.destination,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer-when-downgrade',
    },
    body: '',
  };
};

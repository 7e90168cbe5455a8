import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isLinkPreviewAgent, LinkCode } from '#shared/links/tracked-link';
import type { LinkStore } from '#shared/store/links';

/** Answered as every refusal of the API is: a JSON error, whoever follows the link. */
const notFound = (): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify({ error: { code: 'not_found', message: 'This link does not exist.' } }),
});

/**
 * A reader following a share's link: 302 to the destination with its UTM parameters. A GET from
 * a person counts one click; HEAD requests and link-preview crawlers are sent on uncounted.
 */
export const redirectClick = async (
  event: APIGatewayProxyEventV2,
  deps: { links: LinkStore; now: () => Date },
): Promise<APIGatewayProxyStructuredResultV2> => {
  const code = LinkCode.safeParse(event.pathParameters?.code);
  if (!code.success) return notFound();
  const userAgent = event.headers?.['user-agent'];
  const counted = event.requestContext.http.method === 'GET' && !isLinkPreviewAgent(userAgent);
  const link = counted
    ? await deps.links.click(code.data, deps.now())
    : await deps.links.get(code.data);
  if (!link) return notFound();
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

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createApiDependencies } from '#functions/api/dependencies';
import type { ApiEvent, ApiResponse } from '#functions/api/http';
import { httpErrors } from '#functions/api/http-errors';
import { routeRequest } from '#functions/api/router';
import { loadConfig, nonEmpty } from '#shared/config';
import { logger } from '#shared/logger';

const config = loadConfig({
  TABLE_NAME: nonEmpty,
  TOKEN_KEY: nonEmpty,
  API_URL: nonEmpty,
  SHARE_QUEUE_URL: nonEmpty,
});
const deps = createApiDependencies(config);

export const handler = middy<ApiEvent, ApiResponse>()
  // Never the event, even if POWERTOOLS_LOGGER_LOG_EVENT is set: it holds bearer tokens and
  // OAuth codes.
  .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
  .use(httpErrors())
  .handler((event) => routeRequest(event, deps));

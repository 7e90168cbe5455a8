import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { redirectClick } from '#functions/click-redirect/redirect';
import { now } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { logger } from '#shared/logger';
import { createLinkStore } from '#shared/store/links';

const config = loadConfig({ TABLE_NAME: nonEmpty });
const deps = { links: createLinkStore(config.TABLE_NAME), now };

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => redirectClick(event, deps));

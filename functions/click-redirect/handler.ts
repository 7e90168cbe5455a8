import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RedirectDependencies, redirectClick } from '#functions/click-redirect/redirect';
import { now } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { CLICK_RULES } from '#shared/links/click-counting';
import { clickKeyFrom, readerHasher } from '#shared/links/reader-key';
import { logger } from '#shared/logger';
import { createLinkStore } from '#shared/store/links';

const config = loadConfig({ TABLE_NAME: nonEmpty });
const deps: RedirectDependencies = {
  links: createLinkStore(config.TABLE_NAME),
  // Fails the cold start when neither CLICK_KEY_SECRET nor CLICK_KEY is set.
  readers: readerHasher(clickKeyFrom()),
  rules: CLICK_RULES,
  now,
};

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => redirectClick(event, deps));

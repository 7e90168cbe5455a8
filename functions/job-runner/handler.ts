import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { runDirectoryImport } from '#functions/job-runner/import-directory';
import { now } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { parseEvent } from '#shared/events/catalogue';
import { logger } from '#shared/logger';
import { createAuditStore } from '#shared/store/audit';
import { createEmployeeStore } from '#shared/store/employees';
import { createJobStore } from '#shared/store/jobs';

const config = loadConfig({ TABLE_NAME: nonEmpty });
const audit = createAuditStore(config.TABLE_NAME);
const deps = {
  jobs: createJobStore(config.TABLE_NAME),
  employees: createEmployeeStore(config.TABLE_NAME, audit),
  audit,
  now,
};

/** `JobRunDue`: work on a background job until it is done or this invocation's time runs short. */
export const handler = middy<EventBridgeEvent<string, unknown>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    await runDirectoryImport(parseEvent('JobRunDue', event), deps, () =>
      context.getRemainingTimeInMillis(),
    );
  });

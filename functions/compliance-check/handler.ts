import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { now } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { parseEvent } from '#shared/events/catalogue';
import { logger } from '#shared/logger';
import { createAuditStore } from '#shared/store/audit';
import { createApprovalPolicyStore, createCompliancePolicyStore } from '#shared/store/policies';
import { createPostStore } from '#shared/store/posts';

const config = loadConfig({ TABLE_NAME: nonEmpty });
const audit = createAuditStore(config.TABLE_NAME);
const approvalPolicies = createApprovalPolicyStore(config.TABLE_NAME, audit);
const compliancePolicies = createCompliancePolicyStore(config.TABLE_NAME, audit);
const deps = {
  posts: createPostStore(config.TABLE_NAME, audit),
  policy: () => compliancePolicies.current(),
  approvalPolicy: () => approvalPolicies.current(),
  now,
};

export const handler = middy<EventBridgeEvent<string, unknown>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => checkSubmittedPost(parseEvent('PostSubmitted', event), deps));

import type { ApiDependencies } from '#functions/api/dependencies';
import {
  type ApiEvent,
  type ApiResponse,
  callerOf,
  header,
  json,
  parseBody,
  parsePathParameters,
  parseQuery,
} from '#functions/api/http';
import { toResponse as errorResponse } from '#functions/api/http-errors';
import { openApiRoute } from '#functions/api/openapi';
import { personPage } from '#functions/api/person-page';
import type { Reply, RouteSpec } from '#functions/api/route';
import {
  getAnalytics,
  getAnalyticsReport,
  getPostAnalytics,
  requestAnalyticsReport,
} from '#functions/api/routes/analytics';
import { listAudit, verifyAuditStream } from '#functions/api/routes/audit';
import { listCampaigns } from '#functions/api/routes/campaign-list';
import {
  cancelCampaign,
  createCampaign,
  getCampaign,
  previewCampaign,
  rescheduleCampaign,
} from '#functions/api/routes/campaigns';
import { dryRunCheck, policyDryRun } from '#functions/api/routes/compliance';
import {
  authorize,
  connect,
  disconnect,
  listConnections,
  oauthCallback,
} from '#functions/api/routes/connections';
import { declineCampaign } from '#functions/api/routes/decline';
import { listEmployees } from '#functions/api/routes/employee-list';
import {
  createEmployee,
  getEmployee,
  importEmployees,
  setEmployeeStatus,
  updateEmployee,
} from '#functions/api/routes/employees';
import { feed, shareNow } from '#functions/api/routes/feed';
import { getJob, putJobPart, startJob } from '#functions/api/routes/jobs';
import { library } from '#functions/api/routes/library';
import { getMe, join, leave, updateConsent } from '#functions/api/routes/me';
import { myStats } from '#functions/api/routes/my-stats';
import {
  approvePersonalisation,
  personalisationQueue,
  personalise,
  rejectPersonalisation,
} from '#functions/api/routes/personalisations';
import {
  approvalPolicyRoutes,
  compliancePolicyImpact,
  compliancePolicyRoutes,
  engagementPolicyRoutes,
  recognitionPolicyRoutes,
  sharingPolicyRoutes,
} from '#functions/api/routes/policies';
import { listPosts } from '#functions/api/routes/post-list';
import {
  createPost,
  deletePost,
  diffPost,
  editPost,
  getPost,
  listVersions,
  submitPost,
  withdrawPost,
} from '#functions/api/routes/posts';
import {
  leaderboard,
  myRecognition,
  sendThanks,
  teamLeaderboard,
} from '#functions/api/routes/recognition';
import {
  addComment,
  approvePost,
  getReview,
  listApprovals,
  listComments,
  nameReviewers,
  rejectPost,
  requestChanges,
  reviewQueue,
} from '#functions/api/routes/reviews';
import {
  listSegments,
  previewSegment,
  previewUnsavedSegment,
  putSegment,
} from '#functions/api/routes/segments';
import { listShareIssues, resolveShare } from '#functions/api/routes/shares';
import { DEFAULT_ROUTE_KEY, unknownRoute } from '#functions/api/unknown-route';
import { type Caller, hasAnyRole } from '#shared/auth/roles';
import { ForbiddenError, NotFoundError, ValidationError } from '#shared/errors';
import { sha256 } from '#shared/hash';
import type { IdempotencyScope } from '#shared/store/idempotency';

/**
 * Route key → its description. The keys are the HTTP API's route keys from infra/declaration.ts;
 * a unit test keeps the two lists identical.
 */
export const apiRoutes: Readonly<Record<string, RouteSpec>> = {
  'GET /posts': listPosts,
  'POST /posts': createPost,
  'GET /posts/{postId}': getPost,
  'PUT /posts/{postId}': editPost,
  'DELETE /posts/{postId}': deletePost,
  'GET /posts/{postId}/versions': listVersions,
  'GET /posts/{postId}/diff': diffPost,
  'POST /posts/{postId}/submit': submitPost,
  'POST /posts/{postId}/withdraw': withdrawPost,
  'POST /posts/{postId}/approve': approvePost,
  'POST /posts/{postId}/reject': rejectPost,
  'POST /posts/{postId}/request-changes': requestChanges,
  'GET /posts/{postId}/approvals': listApprovals,
  'GET /posts/{postId}/review': getReview,
  'GET /posts/{postId}/comments': listComments,
  'POST /posts/{postId}/comments': addComment,
  'GET /posts/{postId}/analytics': getPostAnalytics,
  'PUT /posts/{postId}/reviewers': nameReviewers,
  'GET /reviews': reviewQueue,
  'GET /library': library,
  'GET /policies/approval': approvalPolicyRoutes.get,
  'PUT /policies/approval': approvalPolicyRoutes.put,
  'GET /policies/approval/versions': approvalPolicyRoutes.versions,
  'GET /policies/compliance': compliancePolicyRoutes.get,
  'PUT /policies/compliance': compliancePolicyRoutes.put,
  'GET /policies/compliance/versions': compliancePolicyRoutes.versions,
  'POST /policies/compliance/impact': compliancePolicyImpact,
  'POST /policies/compliance/dry-run': policyDryRun,
  'GET /policies/sharing': sharingPolicyRoutes.get,
  'PUT /policies/sharing': sharingPolicyRoutes.put,
  'GET /policies/sharing/versions': sharingPolicyRoutes.versions,
  'GET /policies/engagement': engagementPolicyRoutes.get,
  'PUT /policies/engagement': engagementPolicyRoutes.put,
  'GET /policies/engagement/versions': engagementPolicyRoutes.versions,
  'GET /policies/recognition': recognitionPolicyRoutes.get,
  'PUT /policies/recognition': recognitionPolicyRoutes.put,
  'GET /policies/recognition/versions': recognitionPolicyRoutes.versions,
  'GET /leaderboards': leaderboard,
  'GET /leaderboards/teams': teamLeaderboard,
  'POST /recognition/thanks': sendThanks,
  'GET /me/recognition': myRecognition,
  'GET /analytics': getAnalytics,
  'POST /analytics/reports': requestAnalyticsReport,
  'GET /analytics/reports/{jobId}': getAnalyticsReport,
  'GET /me/stats': myStats,
  'POST /compliance/check': dryRunCheck,
  'PUT /me/personalisations/{postId}/{network}': personalise,
  'GET /reviews/personalisations': personalisationQueue,
  'POST /reviews/personalisations/{personalisationId}/approve': approvePersonalisation,
  'POST /reviews/personalisations/{personalisationId}/reject': rejectPersonalisation,
  'GET /audit': listAudit,
  'GET /audit/verify': verifyAuditStream,
  'GET /campaigns': listCampaigns,
  'POST /campaigns': createCampaign,
  'POST /campaigns/preview': previewCampaign,
  'GET /campaigns/{campaignId}': getCampaign,
  'POST /campaigns/{campaignId}/cancel': cancelCampaign,
  'PUT /campaigns/{campaignId}/schedule': rescheduleCampaign,
  'GET /employees': listEmployees,
  'POST /employees': createEmployee,
  'POST /employees/import': importEmployees,
  'GET /employees/{employeeId}': getEmployee,
  'PATCH /employees/{employeeId}': updateEmployee,
  'PUT /employees/{employeeId}/status': setEmployeeStatus,
  'GET /jobs/{jobId}': getJob,
  'PUT /jobs/{jobId}/parts/{part}': putJobPart,
  'POST /jobs/{jobId}/start': startJob,
  'GET /segments': listSegments,
  'POST /segments/preview': previewUnsavedSegment,
  'PUT /segments/{segmentId}': putSegment,
  'GET /segments/{segmentId}/members': previewSegment,
  'GET /me': getMe,
  'PUT /me/consent': updateConsent,
  'POST /me/leave': leave,
  'POST /me/join': join,
  'PUT /me/connections/{network}': connect,
  'POST /me/connections/{network}/authorize': authorize,
  'GET /oauth/{network}/callback': oauthCallback,
  'DELETE /me/connections/{network}': disconnect,
  'GET /me/connections': listConnections,
  'GET /me/feed': feed,
  'POST /me/shares': shareNow,
  'POST /me/feed/{campaignId}/decline': declineCampaign,
  'GET /shares': listShareIssues,
  'POST /shares/{shareId}/resolve': resolveShare,
  'GET /openapi.json': openApiRoute(() => apiRoutes),
};

const toResponse = (reply: Reply): ApiResponse => {
  const cookies = reply.cookies ? { cookies: reply.cookies } : {};
  // A text answer (a CSV export, a page) goes out as itself, with the type its route set.
  if (typeof reply.body === 'string' && reply.headers?.['content-type']) {
    return { statusCode: reply.status, headers: reply.headers, body: reply.body, ...cookies };
  }
  const response = json(reply.status, reply.body);
  return { ...response, headers: { ...response.headers, ...reply.headers }, ...cookies };
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const idempotencyScope = (event: ApiEvent, caller: Caller): IdempotencyScope | undefined => {
  const key = header(event, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('Idempotency-Key must be 1 to 255 visible ASCII characters', [
      { field: 'Idempotency-Key', message: 'malformed' },
    ]);
  }
  return {
    userId: caller.userId,
    route: event.routeKey,
    key,
    requestHash: sha256(`${event.rawPath}\u0000${event.body ?? ''}`),
  };
};

/**
 * Runs a creating request once per Idempotency-Key; a retry gets the first answer again. A route
 * that stored its answer in its own transaction (`answerWrites`) is not answered a second time.
 */
const once = async (
  scope: IdempotencyScope | undefined,
  deps: ApiDependencies,
  run: () => Promise<{ response: ApiResponse; answered: boolean }>,
): Promise<ApiResponse> => {
  if (!scope) return (await run()).response;
  const earlier = await deps.idempotency.begin(scope, deps.now());
  if (earlier) {
    return {
      statusCode: earlier.statusCode,
      headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
      body: earlier.body,
    };
  }
  let result: { response: ApiResponse; answered: boolean };
  try {
    result = await run();
  } catch (error) {
    await deps.idempotency.abandon(scope);
    throw error;
  }
  if (!result.answered) {
    await deps.idempotency.complete(scope, {
      statusCode: result.response.statusCode ?? 200,
      body: String(result.response.body ?? ''),
    });
  }
  return result.response;
};

const ANONYMOUS: Caller = { userId: 'anonymous', email: undefined, name: undefined, roles: [] };

export const routeRequest = async (
  event: ApiEvent,
  deps: ApiDependencies,
): Promise<ApiResponse> => {
  if (event.routeKey === DEFAULT_ROUTE_KEY) unknownRoute(event, Object.keys(apiRoutes));
  const route = apiRoutes[event.routeKey];
  if (!route) throw new NotFoundError('Route', event.routeKey);
  if (route.refusalPage === undefined) return answer(route, event, deps);
  try {
    return await answer(route, event, deps);
  } catch (error) {
    // The same refusal any route would give, said to a person: our own message, as a page.
    const refusal = errorResponse(error);
    const { error: said } = JSON.parse(String(refusal.body)) as { error: { message: string } };
    return toResponse(
      personPage({
        status: refusal.statusCode ?? 500,
        title: route.refusalPage,
        message: said.message,
        next: { href: '/console', label: 'Open Chorus' },
      }),
    );
  }
};

const answer = async (
  route: RouteSpec,
  event: ApiEvent,
  deps: ApiDependencies,
): Promise<ApiResponse> => {
  const caller = route.roles === 'public' ? ANONYMOUS : callerOf(event);
  if (route.roles !== 'public' && !hasAnyRole(caller, route.roles)) {
    throw new ForbiddenError(`This needs one of these roles: ${route.roles.join(', ')}`);
  }
  let answered = false;
  const input = {
    params: route.params ? parsePathParameters(event, route.params) : undefined,
    query: route.query ? parseQuery(event, route.query) : undefined,
    body: route.body ? parseBody(event, route.body) : undefined,
    caller,
    deps,
    request: event,
    answerWrites: (reply: Reply) => {
      if (!scope) return [];
      answered = true;
      const response = toResponse(reply);
      return [
        deps.idempotency.completion(scope, {
          statusCode: response.statusCode ?? 200,
          body: String(response.body ?? ''),
        }),
      ];
    },
  };
  const scope = route.idempotent ? idempotencyScope(event, caller) : undefined;
  return once(scope, deps, async () => {
    const response = toResponse(await route.handle(input));
    return { response, answered };
  });
};

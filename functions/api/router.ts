import type { ApiDependencies } from '#functions/api/dependencies';
import { type ApiEvent, type ApiResponse, callerOf } from '#functions/api/http';
import { getPostAnalytics } from '#functions/api/routes/analytics';
import { createCampaign, getCampaign } from '#functions/api/routes/campaigns';
import { createEmployee } from '#functions/api/routes/employees';
import { listConnections, putConnection } from '#functions/api/routes/me';
import { createPost, getPost, submitPost } from '#functions/api/routes/posts';
import { approvePost, rejectPost } from '#functions/api/routes/reviews';
import { type Caller, hasAnyRole, type Role } from '#shared/auth/roles';
import { ForbiddenError, NotFoundError } from '#shared/errors';

export type RouteHandler = (
  event: ApiEvent,
  caller: Caller,
  deps: ApiDependencies,
) => Promise<ApiResponse>;

interface Route {
  roles: readonly Role[];
  handle: RouteHandler;
}

/**
 * Route key → who may call it and what handles it. The keys are the HTTP API's route keys from
 * infra/declaration.ts; a unit test keeps the two lists identical.
 */
export const apiRoutes: Readonly<Record<string, Route>> = {
  'POST /posts': { roles: ['marketing', 'admin'], handle: createPost },
  'GET /posts/{postId}': { roles: ['marketing', 'legal', 'admin'], handle: getPost },
  'POST /posts/{postId}/submit': { roles: ['marketing', 'admin'], handle: submitPost },
  'POST /posts/{postId}/approve': { roles: ['marketing', 'legal'], handle: approvePost },
  'POST /posts/{postId}/reject': { roles: ['marketing', 'legal'], handle: rejectPost },
  'GET /posts/{postId}/analytics': { roles: ['marketing', 'admin'], handle: getPostAnalytics },
  'POST /campaigns': { roles: ['marketing', 'admin'], handle: createCampaign },
  'GET /campaigns/{campaignId}': { roles: ['marketing', 'legal', 'admin'], handle: getCampaign },
  'POST /employees': { roles: ['admin'], handle: createEmployee },
  'PUT /me/connections/{network}': { roles: ['employee'], handle: putConnection },
  'GET /me/connections': { roles: ['employee'], handle: listConnections },
};

export const routeRequest = async (
  event: ApiEvent,
  deps: ApiDependencies,
): Promise<ApiResponse> => {
  const route = apiRoutes[event.routeKey];
  if (!route) throw new NotFoundError('Route', event.routeKey);
  const caller = callerOf(event);
  if (!hasAnyRole(caller, route.roles)) {
    throw new ForbiddenError(`This needs one of these roles: ${route.roles.join(', ')}`);
  }
  return route.handle(event, caller, deps);
};

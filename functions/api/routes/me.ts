import { MeAnswer } from '#functions/api/answers/me';
import { currentEmployee } from '#functions/api/current-employee';
import type { ApiDependencies } from '#functions/api/dependencies';
import { defineRoute } from '#functions/api/route';
import {
  applyConsentUpdate,
  ConsentUpdate,
  leaveProgramme,
  rejoinProgramme,
} from '#shared/employees/consent';
import type { Employee } from '#shared/employees/employee';
import { segmentsOf } from '#shared/employees/segment';
import { UnprocessableError, ValidationError } from '#shared/errors';
import { boardVisibilityWrites } from '#shared/recognition/board-visibility';

const me = async (deps: ApiDependencies, employee: Employee) => {
  const [segments, policy] = await Promise.all([
    deps.segments.all(),
    deps.sharingPolicies.current(),
  ]);
  return {
    status: 200,
    body: {
      employee,
      segments: segmentsOf(employee, segments),
      sharingPolicy: { defaults: policy.defaults, maxDailyCap: policy.maxDailyCap },
    },
  };
};

export const getMe = defineRoute({
  summary: 'My profile, my sharing settings (consent) and which segments I am in',
  tag: 'me',
  roles: ['employee'],
  response: { status: 200, description: 'Me', schema: MeAnswer },
  async handle({ caller, deps }) {
    return me(deps, await currentEmployee(caller, deps));
  },
});

export const updateConsent = defineRoute({
  summary: 'Change my sharing settings: auto-share and daily cap per network, topics, hours, pause',
  description:
    'Only the fields sent change; `null` returns sharing hours or time zone to the default. Every change is in the audit log.',
  tag: 'me',
  roles: ['employee'],
  body: ConsentUpdate,
  response: { status: 200, description: 'Me, updated', schema: MeAnswer },
  conflicts: ['Your sharing settings changed meanwhile (another tab?): reload them and retry'],
  unprocessable: ['You left the sharing programme: rejoin first, POST /me/join (`unprocessable`)'],
  async handle({ body, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    if (employee.consent.leftAt) {
      throw new UnprocessableError('You left the sharing programme; rejoin first (POST /me/join)');
    }
    const policy = await deps.sharingPolicies.current();
    const tooHigh = Object.entries(body.networks ?? {}).filter(
      ([, c]) => (c?.dailyCap ?? 0) > policy.maxDailyCap,
    );
    if (tooHigh.length > 0) {
      throw new ValidationError(
        'A daily cap is above the company maximum',
        tooHigh.map(([network]) => ({
          field: `networks.${network}.dailyCap`,
          message: `at most ${policy.maxDailyCap}`,
        })),
      );
    }
    const next = applyConsentUpdate(employee.consent, body);
    const at = deps.now();
    const updated = await deps.employees.updateConsent(
      employee,
      next,
      'consent.updated',
      caller.userId,
      at,
      await boardVisibilityWrites(deps, employee, { ...employee, consent: next }, at),
    );
    return me(deps, updated);
  },
});

export const leave = defineRoute({
  summary: 'Leave the sharing programme: nothing more is shared for me, pending shares included',
  tag: 'me',
  roles: ['employee'],
  response: { status: 200, description: 'Me, updated', schema: MeAnswer },
  conflicts: ['Your sharing settings changed meanwhile (another tab?): reload them and retry'],
  async handle({ caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    if (employee.consent.leftAt) return me(deps, employee);
    const at = deps.now();
    const left = leaveProgramme(employee.consent, at);
    const updated = await deps.employees.updateConsent(
      employee,
      left,
      'consent.left',
      caller.userId,
      at,
      await boardVisibilityWrites(deps, employee, { ...employee, consent: left }, at),
    );
    return me(deps, updated);
  },
});

export const join = defineRoute({
  summary: 'Rejoin the sharing programme (auto-share stays off until I turn it on)',
  tag: 'me',
  roles: ['employee'],
  response: { status: 200, description: 'Me, updated', schema: MeAnswer },
  conflicts: ['Your sharing settings changed meanwhile (another tab?): reload them and retry'],
  async handle({ caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    if (!employee.consent.leftAt) return me(deps, employee);
    const at = deps.now();
    const joined = rejoinProgramme(employee.consent);
    const updated = await deps.employees.updateConsent(
      employee,
      joined,
      'consent.joined',
      caller.userId,
      at,
      await boardVisibilityWrites(deps, employee, { ...employee, consent: joined }, at),
    );
    return me(deps, updated);
  },
});

import { randomUUID } from 'node:crypto';
import type { Actor, Ctx } from '../../http/actor.js';
import type { AgencyMode } from '../../db/types.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { setAgencyMode } from '../accounts/service.js';
import { applyPlan, localizePlan } from './apply.js';
import { planModeSwitch } from './plan.js';
import { agencyPolicy, assertPolicy } from './policy.js';
import { endSuspensions, loadMembers, loadOpenSuspensions, lockAgency, recordSuspension } from './queries.js';

/**
 * Switches the agency's mode. Down: the collaborators of the roles it drops are suspended, their
 * accounts and credits go up to the nearest kept ancestor, and the switch is remembered. Up, with
 * `restore` (the default): the collaborators suspended in a role the mode uses again come back, as
 * the hierarchy stood. The dry run answers the very plan applying would carry out.
 */
export async function switchMode(actor: Actor, input: { mode: AgencyMode; dryRun: boolean; restore?: boolean }, ctx: Ctx) {
  assertPolicy(agencyPolicy.maySwitchMode(actor), 'agency_only');
  return ctx.db.transaction().execute(async (tx) => {
    const agency = await lockAgency(tx, actor.account.id);
    if (agency.mode === input.mode) throw new AppError('mode_conflict', 409, 'mode_conflict');
    const members = await loadMembers(tx, agency.id);
    const suspensions = await loadOpenSuspensions(tx, agency.id);
    const plan = planModeSwitch(members, input.mode, suspensions, { restore: input.restore ?? true });
    if (!input.dryRun) {
      await applyPlan(tx, actor, plan, ctx, { closeReason: 'suspended_by_mode' });
      const switchId = randomUUID();
      // One record per moved account: one an earlier switch moved already keeps that record (followed above).
      const recorded = new Set(suspensions.flatMap((s) => s.moves.map((m) => m.accountId)));
      for (const d of plan.deactivated) {
        await recordSuspension(tx, {
          agencyId: agency.id,
          switchId,
          accountId: d.accountId,
          role: members.get(d.accountId)!.role,
          formerParentId: members.get(d.accountId)!.parentId,
          fromMode: agency.mode,
          toMode: input.mode,
          byPersonId: actor.person.id,
          moves: plan.moved
            .filter((m) => m.fromParentId === d.accountId && !recorded.has(m.accountId))
            .map((m) => ({ accountId: m.accountId, toParentId: m.toParentId })),
        });
      }
      const restoredIds = new Set(plan.restored.map((r) => r.accountId));
      await endSuspensions(tx, suspensions.filter((s) => restoredIds.has(s.accountId)).map((s) => s.id), 'restored');
      await setAgencyMode(tx, agency.id, input.mode);
      await recordAudit(tx, actor, 'agency.mode_switch', { type: 'account', id: agency.id }, {
        from: agency.mode,
        to: input.mode,
        suspended: plan.deactivated.length,
        restored: plan.restored.length,
        moved: plan.moved.length,
      });
    }
    return { mode: input.dryRun ? agency.mode : input.mode, applied: !input.dryRun, plan: localizePlan(plan, actor.lang) };
  });
}

import { createHash, randomBytes } from 'node:crypto';
import type { Actor, ActorAccount, Ctx } from '../../http/actor.js';
import type { AccountRow } from '../../db/types.js';
import { forbidden, invalidInput, notFound, ruleViolation } from '../../http/errors.js';
import { todayInParis } from '../../http/dates.js';
import { queueEmail } from '../notifications/service.js';
import { recordAudit } from '../audit/service.js';
import { ancestorsOf, findAccountById, findReachableAccount, toActorAccount } from '../accounts/service.js';
import { checkInventoryFilters, iterateInventory, type InventoryFilters, type InventoryItem } from '../orders/service.js';
import { checkHistoryOf, claimStatusesOf, type CheckHistoryItem } from '../links/service.js';
import { inReport, linkStateOf, LOGO_TYPES, MAX_LOGO_BYTES, reportPolicy, type LinkState } from './policy.js';
import { fileTypeFromBuffer } from 'file-type';
import {
  brandingRowsOf,
  claimSubscription,
  deleteBranding,
  deleteSubscription,
  dueSubscriptions,
  findSubscription,
  saveSubscription,
  findShare,
  findShareByHash,
  insertShare,
  listSharesOf,
  logoOf,
  revokeShareRow,
  saveBranding,
  saveLogo,
  type ShareRow,
} from './queries.js';

/**
 * Reports and portability (issue 12): the link inventory exports, the white-label client reports,
 * their branding and their share links. It owns report_brandings and report_shares; the links
 * themselves come from their owners' services (orders: the orders; links: the checks and claims).
 */

export type InventoryLink = InventoryItem & { state: LinkState; checks: CheckHistoryItem[] };

async function* enriched(actor: Actor, f: InventoryFilters, ctx: Ctx): AsyncGenerator<InventoryLink[]> {
  for await (const page of iterateInventory(actor, f, ctx)) {
    const ids = page.map((o) => o.id);
    // one query each per page of orders, not one per order
    const [checks, claims] = await Promise.all([checkHistoryOf(ctx.db, ids, actor.lang), claimStatusesOf(ctx.db, ids)]);
    yield page.map((o) => ({ ...o, state: linkStateOf(o, claims.get(o.id)), checks: checks.get(o.id) ?? [] }));
  }
}

/**
 * The whole link inventory in the actor's reach (narrowed to one client with `clientId`), a page at
 * a time: every order, lost and cancelled ones included, with its check history. The filters are
 * checked before this resolves (404 outside reach), so the caller can still answer an error.
 */
export async function openInventory(actor: Actor, f: { clientId?: string }, ctx: Ctx): Promise<AsyncGenerator<InventoryLink[]>> {
  if (!reportPolicy.mayRead(actor)) throw forbidden();
  await checkInventoryFilters(actor, f, ctx);
  return enriched(actor, f, ctx);
}

export type ReportFilters = InventoryFilters & { clientId: string };

/** The report's filters: a client's report is its own; agency members name the client (400 otherwise). */
export async function reportFiltersOf(
  actor: Actor,
  q: InventoryFilters,
  ctx: Ctx,
): Promise<{ filters: ReportFilters; client: AccountRow }> {
  if (!reportPolicy.mayRead(actor)) throw forbidden();
  if (!q.clientId && reportPolicy.needsClientId(actor)) throw invalidInput('report_client_required', 'clientId');
  const clientId = q.clientId ?? actor.account.id;
  const client = await findReachableAccount(ctx.db, actor, clientId);
  if (client.role !== 'client') throw notFound();
  const filters = { ...q, clientId };
  await checkInventoryFilters(actor, filters, ctx);
  return { filters, client };
}

export type Summary = { links: number; live: number; lost: number; atRisk: number; pending: number; spentCents: number };

/** The links of a report (a bought link: not a refused, cancelled or expired order). */
export async function* reportLinks(actor: Actor, f: ReportFilters, ctx: Ctx): AsyncGenerator<InventoryLink> {
  for await (const page of enriched(actor, f, ctx)) for (const l of page) if (inReport(l.state)) yield l;
}

/** The figures at the top of a report: links live, lost, at risk, pending, and what they cost. */
export async function reportSummary(
  actor: Actor,
  f: ReportFilters,
  ctx: Ctx,
): Promise<Summary & { projectName: string | null; campaignName: string | null }> {
  const s = {
    links: 0,
    live: 0,
    lost: 0,
    atRisk: 0,
    pending: 0,
    spentCents: 0,
    projectName: null as string | null,
    campaignName: null as string | null,
  };
  for await (const l of reportLinks(actor, f, ctx)) {
    if (f.projectId) s.projectName = l.projectName;
    if (f.campaignId) s.campaignName = l.campaignName;
    s.links += 1;
    s.spentCents += l.priceCents - l.refundedCents;
    if (l.state === 'live') s.live += 1;
    else if (l.state === 'lost' || l.state === 'refunded') s.lost += 1;
    else if (l.state === 'at_risk' || l.state === 'claimed') s.atRisk += 1;
    else s.pending += 1;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Branding

export const DEFAULT_BRANDING = { primaryColor: '#1f3a5f', accentColor: '#2b8a3e', footerText: '', showPlatformName: false };

export type EffectiveBranding = {
  primaryColor: string;
  accentColor: string;
  footerText: string;
  showPlatformName: boolean;
  hasLogo: boolean;
  source: 'default' | 'agency' | 'manager';
  /** the account whose branding it is (null: the default) */
  ownerId: string | null;
  updatedAt: string | null;
};

/** The branding of `accountId`'s reports: its nearest manager's override, else its agency's, else the default. */
export async function effectiveBrandingOf(accountId: string, ctx: Ctx): Promise<EffectiveBranding> {
  const chain = (await ancestorsOf(ctx.db, accountId)).filter((a) => a.role === 'agency' || a.role === 'manager');
  const rows = new Map(
    (
      await brandingRowsOf(
        ctx.db,
        chain.map((a) => a.id),
      )
    ).map((r) => [r.account_id, r]),
  );
  for (const a of chain) {
    const r = rows.get(a.id);
    if (!r) continue;
    return {
      primaryColor: r.primary_color,
      accentColor: r.accent_color,
      footerText: r.footer_text,
      showPlatformName: r.show_platform_name,
      hasLogo: Boolean(r.has_logo),
      source: a.role === 'manager' ? 'manager' : 'agency',
      ownerId: a.id,
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }
  return { ...DEFAULT_BRANDING, hasLogo: false, source: 'default', ownerId: null, updatedAt: null };
}

function brandingView(actor: Actor, b: EffectiveBranding) {
  const { ownerId, ...rest } = b;
  return { ...rest, own: ownerId === actor.account.id, editable: reportPolicy.mayBrand(actor) };
}

/** The branding the actor's reports carry (everyone reads the effective one). */
export async function getBranding(actor: Actor, ctx: Ctx) {
  return brandingView(actor, await effectiveBrandingOf(actor.account.id, ctx));
}

/** The agency sets its branding; a manager sets the override of its portfolio. */
export async function setBranding(
  actor: Actor,
  input: { primaryColor: string; accentColor: string; footerText: string; showPlatformName: boolean },
  ctx: Ctx,
) {
  if (!reportPolicy.mayBrand(actor)) throw forbidden('branding_forbidden');
  await ctx.db.transaction().execute(async (tx) => {
    await saveBranding(tx, {
      accountId: actor.account.id,
      agencyId: actor.account.agencyId,
      ...input,
      personId: actor.person.id,
    });
    await recordAudit(tx, actor, 'report.branding_update', { type: 'account', id: actor.account.id }, { ...input });
  });
  return getBranding(actor, ctx);
}

/** A manager drops its override (its portfolio gets the agency's again); the agency back to the default. */
export async function resetBranding(actor: Actor, ctx: Ctx) {
  if (!reportPolicy.mayBrand(actor)) throw forbidden('branding_forbidden');
  await ctx.db.transaction().execute(async (tx) => {
    if (await deleteBranding(tx, actor.account.id))
      await recordAudit(tx, actor, 'report.branding_reset', { type: 'account', id: actor.account.id });
  });
  return getBranding(actor, ctx);
}

/** The logo of the actor's own branding (a PNG or JPEG, checked by content, ≤ 512 KB); the branding is created with the default colours if needed. */
export async function setLogo(actor: Actor, content: Buffer, ctx: Ctx) {
  if (!reportPolicy.mayBrand(actor)) throw forbidden('branding_forbidden');
  if (content.length > MAX_LOGO_BYTES) throw invalidInput('logo_too_large', 'file');
  const type = (await fileTypeFromBuffer(content))?.mime;
  if (!type || !(LOGO_TYPES as readonly string[]).includes(type)) throw invalidInput('logo_type', 'file');
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await saveLogo(tx, actor.account.id, { content, type }, actor.person.id))) {
      const current = await effectiveBrandingOf(actor.account.id, ctx);
      await saveBranding(tx, {
        accountId: actor.account.id,
        agencyId: actor.account.agencyId,
        ...pick(current),
        personId: actor.person.id,
      });
      await saveLogo(tx, actor.account.id, { content, type }, actor.person.id);
    }
    await recordAudit(
      tx,
      actor,
      'report.logo_update',
      { type: 'account', id: actor.account.id },
      { bytes: content.length, type },
    );
  });
  return getBranding(actor, ctx);
}

const pick = (b: EffectiveBranding) => ({
  primaryColor: b.primaryColor,
  accentColor: b.accentColor,
  footerText: b.footerText,
  showPlatformName: b.showPlatformName,
});

export async function removeLogo(actor: Actor, ctx: Ctx) {
  if (!reportPolicy.mayBrand(actor)) throw forbidden('branding_forbidden');
  await ctx.db.transaction().execute(async (tx) => {
    if (await saveLogo(tx, actor.account.id, null, actor.person.id))
      await recordAudit(tx, actor, 'report.logo_remove', { type: 'account', id: actor.account.id });
  });
  return getBranding(actor, ctx);
}

/** The logo of the branding that applies to `accountId`, or null. */
export async function effectiveLogoOf(accountId: string, ctx: Ctx): Promise<{ content: Buffer; type: string } | null> {
  const b = await effectiveBrandingOf(accountId, ctx);
  if (!b.ownerId || !b.hasLogo) return null;
  const row = await logoOf(ctx.db, b.ownerId);
  return row?.logo && row.logo_type ? { content: Buffer.from(row.logo), type: row.logo_type } : null;
}

export async function getLogo(actor: Actor, ctx: Ctx) {
  const logo = await effectiveLogoOf(actor.account.id, ctx);
  if (!logo) throw notFound();
  return logo;
}

/** Everything a report's PDF shows besides its links: whose it is, its branding, the agency's name. */
export async function reportHeaderOf(client: AccountRow, ctx: Ctx) {
  const [branding, logo, agency] = await Promise.all([
    effectiveBrandingOf(client.id, ctx),
    effectiveLogoOf(client.id, ctx),
    client.agency_id ? findAccountById(ctx.db, client.agency_id) : Promise.resolve(undefined),
  ]);
  return { branding, logo, agencyName: agency?.name ?? null, clientName: client.name };
}

// ---------------------------------------------------------------------------------------------
// Share links

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function shareStatus(r: ShareRow, now = new Date()): 'active' | 'expired' | 'revoked' {
  if (r.revoked_at) return 'revoked';
  return new Date(r.expires_at) <= now ? 'expired' : 'active';
}

function toShare(r: ShareRow) {
  return {
    id: r.id,
    clientId: r.client_id,
    projectId: r.project_id,
    campaignId: r.campaign_id,
    from: r.from_day,
    to: r.to_day,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    status: shareStatus(r),
  };
}

export const sharedReportUrl = (token: string, ctx: Ctx) =>
  `${ctx.config.publicUrl.replace(/\/$/, '')}/api/reports/shared/${token}.pdf`;

/** A link that opens the client's report without an account until it expires or is revoked; the token is shown once. */
export async function createShare(
  actor: Actor,
  input: { clientId: string; projectId?: string; campaignId?: string; from?: string; to?: string; expiresInDays: number },
  ctx: Ctx,
) {
  const { filters, client } = await reportFiltersOf(actor, input, ctx);
  if (!reportPolicy.mayShare(actor)) throw forbidden();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
  const row = await ctx.db.transaction().execute(async (tx) => {
    const share = await insertShare(tx, {
      tokenHash: hashOf(token),
      clientId: client.id,
      agencyId: client.agency_id,
      projectId: filters.projectId,
      campaignId: filters.campaignId,
      from: filters.from,
      to: filters.to,
      personId: actor.person.id,
      accountId: actor.account.id,
      expiresAt,
    });
    await recordAudit(
      tx,
      actor,
      'report.share_create',
      { type: 'account', id: client.id },
      { shareId: share.id, expiresAt: expiresAt.toISOString() },
    );
    return share;
  });
  return { id: row.id, url: sharedReportUrl(token, ctx), expiresAt: new Date(row.expires_at).toISOString() };
}

export async function listShares(actor: Actor, query: { clientId: string; limit: number; cursor?: string }, ctx: Ctx) {
  await findReachableAccount(ctx.db, actor, query.clientId);
  const page = await listSharesOf(ctx.db, query.clientId, query);
  return { items: page.rows.map(toShare), nextCursor: page.nextCursor };
}

export async function revokeShare(actor: Actor, id: string, ctx: Ctx) {
  const share = await findShare(ctx.db, id);
  if (!share) throw notFound();
  await findReachableAccount(ctx.db, actor, share.client_id);
  if (!reportPolicy.mayShare(actor)) throw forbidden();
  const row = await ctx.db.transaction().execute(async (tx) => {
    const revoked = (await revokeShareRow(tx, id, actor.person.id))!;
    if (!share.revoked_at)
      await recordAudit(tx, actor, 'report.share_revoke', { type: 'account', id: share.client_id }, { shareId: id });
    return revoked;
  });
  return toShare(row);
}

/**
 * The report a share link opens, read as the client itself would (its own links only), or null
 * when the token is unknown, expired or revoked (or the client closed).
 */
export async function openSharedReport(token: string, ctx: Ctx) {
  const bare = token.replace(/\.pdf$/, '');
  if (!TOKEN.test(bare)) return 'unknown' as const;
  const share = await findShareByHash(ctx.db, hashOf(bare));
  if (!share) return 'unknown' as const;
  if (shareStatus(share) !== 'active') return 'gone' as const;
  const client = await findAccountById(ctx.db, share.client_id);
  if (!client || !client.active) return 'gone' as const;
  const account: ActorAccount = toActorAccount(client);
  const actor: Actor = { person: account, account, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
  const filters: ReportFilters = {
    clientId: client.id,
    ...(share.project_id ? { projectId: share.project_id } : {}),
    ...(share.campaign_id ? { campaignId: share.campaign_id } : {}),
    ...(share.from_day ? { from: share.from_day } : {}),
    ...(share.to_day ? { to: share.to_day } : {}),
  };
  try {
    await checkInventoryFilters(actor, filters, ctx);
  } catch {
    return 'gone' as const;
  }
  return { actor, filters, client };
}

// ---------------------------------------------------------------------------------------------
// The monthly e-mail

const monthOf = (now: Date) => todayInParis(now).slice(0, 7);

/** The month before `month` (YYYY-MM) and its first and last days. */
function previousMonth(month: string) {
  const [y, m] = month.split('-').map(Number);
  const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
  const last = new Date(Date.UTC(py, pm, 0)).getUTCDate();
  const mm = String(pm).padStart(2, '0');
  return {
    month: `${py}-${mm}`,
    from: `${py}-${mm}-01`,
    to: `${py}-${mm}-${String(last).padStart(2, '0')}`,
    label: new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(Date.UTC(py, pm - 1, 15)),
    ),
  };
}

export async function getMonthlyEmail(actor: Actor, clientId: string, ctx: Ctx) {
  const client = await findReachableAccount(ctx.db, actor, clientId);
  if (client.role !== 'client') throw notFound();
  const row = await findSubscription(ctx.db, clientId);
  return { clientId, enabled: Boolean(row), email: client.email, lastSentMonth: row?.last_sent_month ?? null };
}

/** Turns the client's monthly report e-mail on or off (agency side); the first one leaves at the start of next month. */
export async function setMonthlyEmail(actor: Actor, input: { clientId: string; enabled: boolean }, ctx: Ctx) {
  const client = await findReachableAccount(ctx.db, actor, input.clientId);
  if (client.role !== 'client') throw notFound();
  if (!reportPolicy.mayShare(actor)) throw forbidden();
  if (input.enabled && !client.email) throw ruleViolation('report_no_email', {}, 'clientId');
  await ctx.db.transaction().execute(async (tx) => {
    if (input.enabled) {
      if (!(await findSubscription(tx, client.id))) {
        await saveSubscription(tx, {
          clientId: client.id,
          agencyId: client.agency_id,
          personId: actor.person.id,
          accountId: actor.account.id,
          lastSentMonth: monthOf(new Date()),
        });
        await recordAudit(tx, actor, 'report.monthly_email_enable', { type: 'account', id: client.id });
      }
    } else if (await deleteSubscription(tx, client.id)) {
      await recordAudit(tx, actor, 'report.monthly_email_disable', { type: 'account', id: client.id });
    }
  });
  return getMonthlyEmail(actor, input.clientId, ctx);
}

/**
 * Once a month per subscribed client (the sweeps call it every pass): a 30-day share link to the
 * past month's report, e-mailed to the client. The subscription's month is claimed in the same
 * transaction as the e-mail is queued, so two processes never both send, and a failure sends later.
 */
export async function sendMonthlyReports(ctx: Ctx, now = new Date()): Promise<number> {
  const month = monthOf(now);
  const period = previousMonth(month);
  let sent = 0;
  for (;;) {
    const due = await dueSubscriptions(ctx.db, month, 50);
    if (due.length === 0) return sent;
    for (const clientId of due) {
      await ctx.db.transaction().execute(async (tx) => {
        if (!(await claimSubscription(tx, clientId, month))) return;
        const client = await findAccountById(tx, clientId);
        if (!client?.active || !client.email) return;
        const sub = (await findSubscription(tx, clientId))!;
        const token = randomBytes(32).toString('base64url');
        await insertShare(tx, {
          tokenHash: hashOf(token),
          clientId,
          agencyId: client.agency_id,
          from: period.from,
          to: period.to,
          personId: sub.enabled_by,
          accountId: sub.enabled_as,
          expiresAt: new Date(now.getTime() + 30 * 86_400_000),
        });
        const agency = client.agency_id ? await findAccountById(tx, client.agency_id) : undefined;
        const url = sharedReportUrl(token, ctx);
        await queueEmail(tx, {
          to: client.email,
          lang: 'fr',
          subject: `Votre rapport de liens — ${period.label}`,
          text: `Bonjour,\n\nVoici le rapport des liens achetés pour ${client.name} en ${period.label}${agency ? `, préparé par ${agency.name}` : ''}.\n\n${url}\n\nCe lien est valable 30 jours.`,
          redacted: {
            subject: `Votre rapport de liens — ${period.label}`,
            text: `Rapport de ${period.label} pour ${client.name}.`,
          },
        });
        sent += 1;
      });
    }
  }
}

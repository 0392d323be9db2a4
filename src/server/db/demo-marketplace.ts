import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Actor, Ctx } from '../http/actor.js';
import type { DB } from './types.js';
import { de } from '../http/french.js';
import { accountsOfAgency, createAccount, findAccountByEmail, toActorAccount } from '../modules/accounts/service.js';
import { confirmTopUp, requestTopUp } from '../modules/billing/service.js';
import { normalizeKeyword } from '../modules/catalog/domain.js';
import { refreshArticles } from '../modules/catalog/service.js';
import { allocateCredits } from '../modules/ledger/service.js';
import { acceptOrder, createCampaign, createProject, placeOrder, recordVerification, submitLiveUrl } from '../modules/orders/service.js';
import { recordCheck, type VerificationResult } from '../modules/links/service.js';
import { acceptMandate, getMandate, saveProfile } from '../modules/payouts/service.js';
import { generateCatalog } from './demo-catalog.js';

async function actorFor(db: Kysely<DB>, email: string): Promise<Actor> {
  const row = await findAccountByEmail(db, email);
  if (!row) throw new Error(`demo account ${email} missing`);
  const a = toActorAccount(row);
  return { person: a, account: a, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
}

/**
 * The marketplace part of the demo: a generated French catalog (300 sites, ~3,000 articles, ~30,000
 * positioned keywords, a few sites awaiting review), the agency's credits bought, invoiced and
 * spread down its hierarchy, and projects, campaigns and orders at several stages. Everything but
 * the bulk catalog goes through the services, so the demo obeys the same rules as real use.
 */
export async function seedDemoMarketplace(db: Kysely<DB>, config: Config): Promise<{ sites: number; articles: number; keywords: number }> {
  const ctx: Ctx = { db, config };
  const publisher = await findAccountByEmail(db, 'editeur@maillon.test');
  const publishers = [publisher!.id];
  await db.transaction().execute(async (tx) => {
    for (const name of ['Réseau Médias du Sud', 'Blogs & Compagnie']) {
      const row = await createAccount(tx, {
        role: 'publisher',
        name,
        email: null,
        password_hash: null,
        parent_id: null,
        agency_id: null,
        agency_mode: null,
        company: null,
      });
      publishers.push(row.id);
    }
  });

  let sites = 0;
  let articles = 0;
  let keywords = 0;
  const sitesList = [...generateCatalog({ sites: 300, articlesPerSite: 10, keywordsPerArticle: 10, seed: 2026 })];
  await db.transaction().execute(async (tx) => {
    for (const [i, site] of sitesList.entries()) {
      const row = await tx
        .insertInto('sites')
        .values({
          publisher_id: publishers[i % publishers.length],
          domain: site.domain,
          theme: site.theme,
          site_kind: site.siteKind,
          language: 'fr',
          status: i >= sitesList.length - 5 ? 'pending_review' : 'approved',
          reviewed_at: i >= sitesList.length - 5 ? null : new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      sites++;
      const inserted = await tx
        .insertInto('articles')
        .values(site.articles.map((a) => ({ site_id: row.id, url: `https://${site.domain}${a.path}` })))
        .returning(['id', 'url'])
        .execute();
      articles += inserted.length;
      const idByUrl = new Map(inserted.map((r) => [r.url, r.id]));
      const rows = site.articles.flatMap((a) =>
        a.keywords.map((k) => ({
          article_id: idByUrl.get(`https://${site.domain}${a.path}`)!,
          keyword: k.keyword,
          keyword_norm: normalizeKeyword(k.keyword),
          position: k.position,
          volume: k.volume,
        })),
      );
      for (let j = 0; j < rows.length; j += 1000) await tx.insertInto('article_keywords').values(rows.slice(j, j + 1000)).execute();
      keywords += rows.length;
    }
    await refreshArticles(tx, 'all');
  });

  // Money: the agency buys 20,000 € of credits (invoiced), then spreads them.
  const support = await actorFor(db, 'support@maillon.test');
  const agency = await actorFor(db, 'agence@maillon.test');
  const topUp = await requestTopUp(agency, agency.account.id, { amountCents: 20_000_00, method: 'bank_transfer' }, null, ctx);
  await confirmTopUp(support, topUp.id, null, ctx);
  const members = (await accountsOfAgency(db, agency.account.id))
    .filter((m) => m.role !== 'agency')
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  const allocate = (from: string, to: string, amountCents: number) =>
    allocateCredits(agency, { fromAccountId: from, toAccountId: to, amountCents, memo: 'Budget démo' }, null, ctx);
  for (const m of members.filter((m) => m.role === 'manager')) await allocate(agency.account.id, m.id, 6_000_00);
  for (const c of members.filter((m) => m.role === 'consultant')) await allocate(c.parent_id!, c.id, 2_500_00);
  const clients = members.filter((m) => m.role === 'client');
  for (const [i, c] of clients.entries()) {
    const parent = members.find((m) => m.id === c.parent_id);
    await allocate(parent ? parent.id : agency.account.id, c.id, i % 3 === 0 ? 1_000_00 : 600_00);
  }

  // Projects, campaigns and orders for the first clients, at several stages of their life.
  const offers = await db
    .selectFrom('articles as a')
    .innerJoin('sites as s', 's.id', 'a.site_id')
    .select(['a.id', 'a.price_cents', 's.publisher_id'])
    .where('s.status', '=', 'approved')
    .where('s.publisher_id', '=', publisher!.id)
    .where('a.price_cents', 'is not', null)
    .where('a.price_cents', '<=', 200_00)
    .orderBy('a.price_cents')
    .limit(12)
    .execute();
  const publisherActor = await actorFor(db, 'editeur@maillon.test');
  for (const [i, client] of clients.slice(0, 6).entries()) {
    const slug = client.name.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const project = await createProject(agency, { clientId: client.id, name: `Site ${de(client.name)}`, url: `https://www.${slug}.fr` }, ctx);
    const campaign = await createCampaign(agency, { projectId: project.id, name: 'Netlinking T4', budgetCents: 800_00, startsOn: '2026-10-01' }, ctx);
    for (let j = 0; j < 2; j++) {
      const offer = offers[(i * 2 + j) % offers.length];
      const order = await placeOrder(
        agency,
        {
          projectId: project.id,
          campaignId: campaign.id,
          offerId: offer.id,
          targetUrl: `https://www.${slug}.fr/${j === 0 ? 'services' : 'contact'}`,
          anchor: j === 0 ? client.name.toLowerCase() : `en savoir plus sur ${client.name}`,
          brief: 'Article de fond, ton informatif, lien dans le corps du texte.',
        },
        null,
        ctx,
      );
      if ((i + j) % 3 === 1) await acceptOrder(publisherActor, order.id, ctx);
      if ((i + j) % 3 === 2) {
        await acceptOrder(publisherActor, order.id, ctx);
        const article = await db.selectFrom('articles').select('url').where('id', '=', offer.id).executeTakeFirstOrThrow();
        await submitLiveUrl(publisherActor, order.id, article.url, ctx);
        // The demo sites are made up and the machine may be offline: record the check as passed
        // rather than let the crawler look them up (the queued job then finds nothing to do). For
        // the same reason these links are not monitored; the check is kept for the order's timeline.
        const at = new Date();
        const messages = { fr: 'Lien vérifié (démo) : dofollow, ancre et page indexable.', en: 'Link verified (demo): dofollow, anchor and indexable page.' };
        await db.transaction().execute(async (tx) => {
          await recordVerification(tx, ctx, order.id, article.url, { ok: true, rule: null, messages, at });
          await recordCheck(tx, order.id, 'verification', demoCheck(article.url, order, messages, at));
        });
      }
    }
    // A few months of history for the dashboards' charts (issue 12): links verified 3 weeks to 4 months ago.
    await allocate(agency.account.id, client.id, 1_000_00);
    for (let k = 0; k < 4; k++) {
      const offer = offers[(i * 3 + k) % offers.length];
      const order = await placeOrder(
        agency,
        { projectId: project.id, campaignId: campaign.id, offerId: offer.id, targetUrl: `https://www.${slug}.fr/blog`, anchor: `${client.name.toLowerCase()} ${k + 1}` },
        null,
        ctx,
      );
      await acceptOrder(publisherActor, order.id, ctx);
      const article = await db.selectFrom('articles').select('url').where('id', '=', offer.id).executeTakeFirstOrThrow();
      await submitLiveUrl(publisherActor, order.id, article.url, ctx);
      const at = new Date(Date.now() - (20 + k * 30 + i * 4) * 86_400_000);
      const messages = { fr: 'Lien vérifié (démo) : dofollow, ancre et page indexable.', en: 'Link verified (demo): dofollow, anchor and indexable page.' };
      await db.transaction().execute(async (tx) => {
        await recordVerification(tx, ctx, order.id, article.url, { ok: true, rule: null, messages, at });
        await recordCheck(tx, order.id, 'verification', demoCheck(article.url, order, messages, at));
      });
    }
  }
  // The publisher's billing identity and its self-billing mandate, so that its payouts pages show
  // what a real publisher sees (earnings, invoices to come); its proofs are left for it to upload.
  // Made-up identifiers that pass the checks (demo data never starts in production).
  await saveProfile(
    publisherActor,
    {
      kind: 'business',
      legalName: 'Éditions du Web Français SAS',
      address: '12 rue de la Paix',
      postalCode: '75009',
      city: 'Paris',
      country: 'FR',
      birthDate: null,
      siret: '52345678800026',
      vatRegime: 'franchise',
      vatNumber: null,
      taxNumber: null,
      iban: 'FR7630006000011234567890189',
      bic: 'AGRIFRPPXXX',
      accountHolder: 'Éditions du Web Français SAS',
    },
    ctx,
  );
  await acceptMandate(publisherActor, { version: (await getMandate(publisherActor, ctx)).version }, ctx);
  return { sites, articles, keywords };
}

/** The check a demo order is shown with: what the crawler would have found on the made-up page. */
function demoCheck(url: string, order: { targetUrl: string; anchor: string }, messages: { fr: string; en: string }, at: Date): VerificationResult {
  return {
    ok: true,
    outcome: 'ok',
    rule: null,
    messages,
    transient: false,
    finalUrl: url,
    status: 200,
    checkedAt: at.toISOString(),
    evidence: {
      startUrl: url,
      redirects: [],
      finalUrl: url,
      status: 200,
      link: { href: order.targetUrl, rel: [], anchor: order.anchor },
      nearMisses: [],
      robots: { meta: [], header: [], robotsTxt: 'not_checked' },
      canonical: url,
      contentHash: null,
      excerpt: null,
      attempts: 1,
    },
  };
}

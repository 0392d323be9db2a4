import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, makeAgency, startTestEnv, uniqueEmail, type Client, type TestEnv } from '../../testing/harness.js';
import { AUDIT_CATEGORIES } from './categories.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

type Line = {
  id: string;
  at: string;
  action: string;
  person: { id: string } | null;
  account: { id: string } | null;
  subject: { id: string; name: string } | null;
};

async function all(client: Client, query = ''): Promise<Line[]> {
  const res = await client.get(`/api/audit?limit=500${query}`);
  expect(res.status).toBe(200);
  return res.body.items;
}

/** Every page of a filtered trail, `limit` lines at a time. */
async function walk(client: Client, query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res = await client.get(`/api/audit?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((l: Line) => l.id));
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

const insertLine = (values: {
  person: string;
  account: string;
  agency: string;
  action: string;
  at: string;
  details?: unknown;
  target?: [string, string];
}) =>
  sql`insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id, details, at)
    values (${values.person}, ${values.account}, ${values.agency}, ${values.action}, ${values.target?.[0] ?? null}, ${values.target?.[1] ?? null},
      ${values.details ? JSON.stringify(values.details) : null}::jsonb, ${values.at}::timestamptz)`.execute(env.database.db);

const setup = async () => {
  const emails = { manon: uniqueEmail('manon'), claire: uniqueEmail('claire'), dupain: uniqueEmail('dupain') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', emails.manon],
    ['Hugo', 'manager', 'agency'],
    ['Claire', 'consultant', 'Manon', emails.claire],
    ['Boulangerie Dupain', 'client', 'Claire', emails.dupain],
    ['Épicerie Élodie', 'client', 'Claire'],
    ['Garage Hugo', 'client', 'Hugo'],
  ]);
  const manon = await acceptInvitation(env, emails.manon);
  const claire = await acceptInvitation(env, emails.claire);
  const dupain = await acceptInvitation(env, emails.dupain);
  // Claire edits a client, the agency acts as Manon and edits another.
  expect((await claire.patch(`/api/accounts/${fx.ids['Épicerie Élodie']}`, { name: 'Épicerie Élodie' })).status).toBe(200);
  await fx.agency.post('/api/act-as', { accountId: fx.ids.Manon });
  expect((await fx.agency.patch(`/api/accounts/${fx.ids['Boulangerie Dupain']}`, { name: 'Boulangerie Dupain' })).status).toBe(
    200,
  );
  await fx.agency.post('/api/act-as/stop');
  expect((await fx.agency.patch(`/api/accounts/${fx.ids['Garage Hugo']}`, { name: 'Garage Hugo' })).status).toBe(200);
  return { fx, manon, claire, dupain };
};

describe('GET /api/audit filters', () => {
  it('narrows by person, by action or category, and by Paris days; the lines are those the unfiltered trail holds', async () => {
    const { fx, claire } = await setup();
    const whole = await all(fx.agency);
    const byClaire = await all(fx.agency, `&personId=${fx.ids.Claire}`);
    expect(byClaire.length).toBeGreaterThan(0);
    expect(byClaire.every((l) => l.person?.id === fx.ids.Claire)).toBe(true);
    expect(byClaire.map((l) => l.id)).toEqual(whole.filter((l) => l.person?.id === fx.ids.Claire).map((l) => l.id));
    expect(byClaire.map((l) => l.action)).toEqual(expect.arrayContaining(['auth.invitation_accept', 'account.update']));

    const updates = await all(fx.agency, '&action=account.update');
    expect(updates.map((l) => l.action)).toEqual(updates.map(() => 'account.update'));
    expect(updates.length).toBe(3);
    const two = await all(fx.agency, '&action=account.update,act_as.start');
    expect(new Set(two.map((l) => l.action))).toEqual(new Set(['account.update', 'act_as.start']));
    expect((await all(fx.agency, '&action=account.update&action=act_as.start')).map((l) => l.id)).toEqual(two.map((l) => l.id));

    const team = await all(fx.agency, '&category=team');
    expect(team.length).toBeGreaterThan(0);
    expect(team.every((l) => (AUDIT_CATEGORIES.team as readonly string[]).includes(l.action))).toBe(true);
    // Action and category together: the actions of that category only.
    expect(await all(fx.agency, '&category=orders&action=account.update')).toEqual([]);
    expect((await all(fx.agency, '&category=team&action=account.update')).map((l) => l.id)).toEqual(updates.map((l) => l.id));

    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
    expect((await all(fx.agency, `&from=${today}&to=${today}`)).map((l) => l.id)).toEqual(whole.map((l) => l.id));
    expect(await all(fx.agency, '&to=2020-01-01')).toEqual([]);

    // A consultant's filters narrow its own trail; another person's lines outside it never appear.
    const claireWhole = await all(claire);
    const claireByAgency = await all(claire, `&personId=${fx.agencyId}`);
    expect(claireByAgency.every((l) => claireWhole.some((w) => w.id === l.id))).toBe(true);
    expect((await claire.get(`/api/audit?accountId=${fx.ids['Garage Hugo']}&personId=${fx.agencyId}`)).status).toBe(404);
  });

  it('refuses impossible dates, an inverted range and unknown actions with a 400 naming the field, in French and English', async () => {
    const { fx } = await setup();
    const cases: [string, string][] = [
      ['from=2026-02-30', 'from'],
      ['to=2026-13-01', 'to'],
      ['from=2025-02-29', 'from'],
      ['from=26-01-01', 'from'],
      ['to=hier', 'to'],
      ['from=2026-03-02&to=2026-03-01', 'to'],
      ['action=order.explode', 'action'],
      ['action=order.place,%27;drop', 'action'],
      ['category=money', 'category'],
      ['personId=quelqu-un', 'personId'],
    ];
    for (const [query, field] of cases) {
      const res = await fx.agency.get(`/api/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
    }
    const fr = await fx.agency.get('/api/audit?from=2026-02-30');
    expect(fr.body.error.message).toContain('date inexistante');
    fx.agency.lang = 'en';
    const en = await fx.agency.get('/api/audit?from=2026-03-02&to=2026-03-01');
    expect(en.body.error.message).toContain('before the start date');
    fx.agency.lang = 'fr';
    expect((await fx.agency.get('/api/audit?from=2024-02-29&to=2024-02-29')).status).toBe(200);
  });

  it('takes `to` as the whole Paris day, 23 hours long in March and 25 in October', async () => {
    const { fx } = await setup();
    const base = { person: fx.agencyId, account: fx.ids.Claire, agency: fx.agencyId, action: 'account.update' };
    const at = [
      '2026-03-28T22:59:59Z', // 28 March 23:59:59 in Paris (winter)
      '2026-03-28T23:00:00Z', // 29 March 00:00 in Paris
      '2026-03-29T21:59:59Z', // 29 March 23:59:59 in Paris (summer)
      '2026-03-29T22:00:00Z', // 30 March 00:00
      '2026-10-24T21:59:59Z', // 24 October 23:59:59 (summer)
      '2026-10-24T22:00:00Z', // 25 October 00:00
      '2026-10-25T22:59:59Z', // 25 October 23:59:59 (winter)
      '2026-10-25T23:00:00Z', // 26 October 00:00
    ];
    for (const t of at) await insertLine({ ...base, at: t });
    const days = async (from: string, to: string) =>
      (await all(fx.agency, `&accountId=${fx.ids.Claire}&action=account.update&from=${from}&to=${to}`))
        .map((l) => new Date(l.at).toISOString())
        .sort();
    expect(await days('2026-03-29', '2026-03-29')).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T21:59:59.000Z']);
    expect(await days('2026-10-25', '2026-10-25')).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T22:59:59.000Z']);
    expect(await days('2026-03-28', '2026-03-30')).toHaveLength(4);
    expect(await days('2026-10-26', '2026-10-26')).toEqual(['2026-10-25T23:00:00.000Z']);
  });

  it('never names, as a line’s subject, an account outside the reader’s reach', async () => {
    const { fx, dupain } = await setup();
    // A line of Boulangerie Dupain's that is about its sibling (as an allocation's recipient would be).
    await insertLine({
      person: fx.agencyId,
      account: fx.ids['Boulangerie Dupain'],
      agency: fx.agencyId,
      action: 'credits.allocate',
      at: new Date().toISOString(),
      details: { to: fx.ids['Épicerie Élodie'], amountCents: 1000 },
    });
    const own = await all(dupain);
    const line = own.find((l) => l.action === 'credits.allocate')!;
    expect(line).toBeDefined();
    expect(line.subject).toBeNull();
    expect(JSON.stringify(own.map((l) => [l.subject, l.account, l.person]))).not.toContain('Élodie');
    expect(JSON.stringify(own.map((l) => [l.subject, l.account]))).not.toContain('Garage Hugo');
    // The agency reaches both: it reads the name.
    const seen = (await all(fx.agency, '&action=credits.allocate')).find((l) => l.id === line.id)!;
    expect(seen.subject).toMatchObject({ id: fx.ids['Épicerie Élodie'], name: 'Épicerie Élodie' });
  });

  it('for random filters and readers, returns a subset of the unfiltered trail, every line matching, paged without gap or repeat', async () => {
    const { fx, manon, claire, dupain } = await setup();
    const readers = { agency: fx.agency, manon, claire, dupain };
    const wholes = Object.fromEntries(
      await Promise.all(Object.entries(readers).map(async ([k, c]) => [k, await all(c)] as const)),
    );
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
    const people = [
      fx.agencyId,
      fx.ids.Manon,
      fx.ids.Claire,
      fx.ids['Boulangerie Dupain'],
      fx.ids['Garage Hugo'],
      '00000000-0000-4000-8000-000000000000',
    ];
    const actions = [
      'account.create',
      'account.update',
      'act_as.start',
      'act_as.stop',
      'auth.login',
      'auth.invitation_accept',
      'order.place',
    ];
    const days = ['2026-01-01', '2026-12-01', today, '2027-01-01'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(readers) as (keyof typeof readers)[])),
        fc.record(
          {
            personId: fc.constantFrom(...people),
            action: fc.uniqueArray(fc.constantFrom(...actions), { minLength: 1, maxLength: 3 }),
            category: fc.constantFrom('orders', 'credits', 'team', 'account', 'publisher', 'support'),
            from: fc.constantFrom(...days),
            to: fc.constantFrom(...days),
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 1, max: 4 }),
        async (reader, f, limit) => {
          if (f.from && f.to && f.from > f.to) delete f.to;
          const query = Object.entries(f)
            .map(([k, v]) => `&${k}=${Array.isArray(v) ? v.join(',') : v}`)
            .join('');
          const lines = await all(readers[reader], query);
          const whole = wholes[reader] as Line[];
          const scope = new Map(whole.map((l) => [l.id, l]));
          for (const l of lines) {
            expect(scope.has(l.id)).toBe(true);
            if (f.personId) expect(l.person?.id).toBe(f.personId);
            if (f.action) expect(f.action).toContain(l.action);
            if (f.category) expect(AUDIT_CATEGORIES[f.category] as readonly string[]).toContain(l.action);
          }
          // Lines written after the unfiltered read (none here) aside, the filter keeps every matching line.
          expect(await walk(readers[reader], query, limit)).toEqual(lines.map((l) => l.id));
        },
      ),
      { numRuns: 25 },
    );
  });
});

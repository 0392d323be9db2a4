import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, fundWallet, makeAgency, startTestEnv, uniqueEmail, type TestEnv } from '../testing/harness.js';
import { runSweeps, SWEEPS } from './handlers.js';

/** The sweeps run each step even when another fails, and say which failed. */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

describe('the background sweeps', () => {
  it('still write an allocation’s e-mails when an earlier step fails, and name the failed step', async () => {
    const claire = uniqueEmail('claire');
    const fx = await makeAgency(env, 'complete', [
      ['Claire', 'consultant', 'agency', claire],
      ['Boulangerie', 'client', 'Claire'],
    ]);
    await acceptInvitation(env, claire);
    await fundWallet(env, fx.agency, fx.agencyId, 100_00);
    const ctx = { db: env.database.db, config: env.config };
    await runSweeps(ctx, { force: true });
    expect((await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 40_00 })).status).toBe(201);

    const failing = async () => {
      throw new Error('reminders are down');
    };
    const pass = runSweeps(ctx, {}, [['order reminders', failing], ...SWEEPS]);
    await expect(pass).rejects.toThrow(AggregateError);
    await expect(pass).rejects.toThrow('order reminders: reminders are down');
    // Claire is the client's person in charge: told at once, by the sweeps' e-mail step.
    const mails = await env.database.db.selectFrom('outbox_emails').select('subject').where('to_address', '=', claire).execute();
    expect(mails.map((m) => m.subject)).toContain('40,00\u00a0€ de crédits pour Boulangerie');
  });
});

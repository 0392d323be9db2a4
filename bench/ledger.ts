/**
 * Allocations per second through the ledger service on PostgreSQL with 8 connections, next to a
 * raw SQL transfer loop (conditional debit + credit + one entry) in the same run, and their ratio,
 * without and with an idempotency key (the web app sends one), over 2,000 client wallets.
 * Prints figures; asserts nothing. Run: npx tsx bench/ledger.ts [seconds per phase, default 10]
 */
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.js';
import type { Actor, Ctx } from '../src/server/http/actor.js';
import { insertAccountRow } from '../src/server/modules/accounts/queries.js';
import { toActorAccount } from '../src/server/modules/accounts/service.js';
import { allocateCredits, transferCredits } from '../src/server/modules/ledger/service.js';
import { SYSTEM_ACCOUNTS } from '../src/server/modules/ledger/system.js';
import { foldChanges } from '../src/server/modules/freshness/service.js';
import { openBenchDatabase } from './bench-db.js';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const WALLETS = Number(process.env.BENCH_WALLETS ?? 2000);

const { database } = await openBenchDatabase('maillon_bench_ledger', CONNECTIONS);
const db = database.db;
const config = loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none' });
const ctx: Ctx = { db, config };

// An agency with 200 clients, each wallet funded from the bank.
const agencyRow = await db.transaction().execute(async (tx) => {
  const agency = await insertAccountRow(tx, {
    role: 'agency', name: 'Bench Agency', email: null, password_hash: null, parent_id: null, agency_id: null, agency_mode: 'simple', company: null,
  });
  await tx.updateTable('accounts').set({ agency_id: agency.id }).where('id', '=', agency.id).execute();
  return { ...agency, agency_id: agency.id };
});
const agency = toActorAccount(agencyRow);
const actor: Actor = { person: agency, account: agency, actingAs: false, sessionId: null, ip: '127.0.0.1', lang: 'fr' };
const ids: string[] = [];
await db.transaction().execute(async (tx) => {
  for (let i = 0; i < WALLETS; i++) {
    const row = await insertAccountRow(tx, {
      role: 'client', name: `Client ${i}`, email: null, password_hash: null, parent_id: agency.id, agency_id: agency.id, agency_mode: null, company: null,
    });
    ids.push(row.id);
    await transferCredits(tx, actor, { fromAccountId: SYSTEM_ACCOUNTS.bank, toAccountId: row.id, amountCents: 1_000_000_00, kind: 'top_up' });
  }
});

// As autovacuum would have: the planner knows the tables' sizes (a fresh database has no statistics).
await sql`analyze`.execute(db);

const pick = () => {
  const a = Math.floor(Math.random() * ids.length);
  let b = Math.floor(Math.random() * (ids.length - 1));
  if (b >= a) b++;
  return [ids[a], ids[b]] as const;
};

async function phase(label: string, once: () => Promise<unknown>) {
  // What the app's sweeps do every second: the counted changes folded, their table vacuumed.
  await foldChanges(db, Date.now());
  let done = 0;
  let failed = 0;
  const end = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        try {
          await once();
          done++;
        } catch {
          failed++;
        }
      }
    }),
  );
  const rate = done / ((Date.now() - started) / 1000);
  console.log(`${label.padEnd(34)} ${rate.toFixed(0).padStart(6)} transfers/s  (${done} done, ${failed} failed)`);
  return rate;
}

// The raw loop: conditional debit + credit + one entry row, nothing else (no lock ordering, so a
// rare deadlock between crossing pairs shows up as a failure).
async function rawTransfer() {
  const [from, to] = pick();
  await db.transaction().execute(async (tx) => {
    const debit = await sql`update wallets set posted_cents = posted_cents - 100
      where account_id = ${from} and posted_cents - pending_cents >= 100`.execute(tx);
    if (Number(debit.numAffectedRows) !== 1) throw new Error('insufficient');
    await sql`update wallets set posted_cents = posted_cents + 100 where account_id = ${to}`.execute(tx);
    await sql`insert into ledger_transfers (kind, from_account_id, to_account_id, amount_cents, agency_id, person_id, acting_account_id)
      values ('allocation', ${from}, ${to}, 100, ${agency.id}, ${agency.id}, ${agency.id})`.execute(tx);
  });
}

async function serviceTransfer() {
  const [from, to] = pick();
  await allocateCredits(actor, { fromAccountId: from, toAccountId: to, amountCents: 100 }, null, ctx);
}

// As the web app sends it: each allocation with an idempotency key of its own.
let keys = 0;
async function keyedServiceTransfer() {
  const [from, to] = pick();
  const key = `bench-${process.pid}-${++keys}`;
  await allocateCredits(actor, { fromAccountId: from, toAccountId: to, amountCents: 100 }, { key, hash: key }, ctx);
}

console.log(`PostgreSQL, ${CONNECTIONS} connections, ${WALLETS} wallets, ${SECONDS}s per phase`);
await phase('warm-up (service)', serviceTransfer);
// The raw loop before and after, so that the tables' growth over the run weighs on both sides.
const rawBefore = await phase('raw SQL transfer loop', rawTransfer);
const service = await phase('ledger service (allocateCredits)', serviceTransfer);
const keyed = await phase('the same, with an idempotency key', keyedServiceTransfer);
const rawAfter = await phase('raw SQL transfer loop, again', rawTransfer);
const raw = (rawBefore + rawAfter) / 2;
console.log(`ratio service / raw: ${((service / raw) * 100).toFixed(0)} %; with an idempotency key: ${((keyed / raw) * 100).toFixed(0)} % (raw: the mean of both runs)`);

const total = await sql<{ s: number }>`select sum(posted_cents)::int8 as s from wallets`.execute(db);
console.log(`sum of all wallets after the run: ${Number(total.rows[0].s)} (raw loop rows skip entries, so only the service keeps entries = balances)`);
await database.close();

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The module boundaries of docs/ARCHITECTURE.md, checked by reading the source: every table has one
// owning feature, only its owner's SQL names it, and a feature imports another only through the
// files that feature exports (service.ts, its zod schema, its policy, a few pure helpers), and only
// from a feature above it.

const SERVER = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SERVER, '../..');

/** A feature uses those before it, never those after it (DESIGN.md). audit and notifications know no other. */
const FEATURE_ORDER = [
  ['audit', 'notifications', 'freshness'],
  ['accounts'],
  ['auth'],
  ['ledger'],
  ['agency'],
  ['billing'],
  ['catalog'],
  ['orders'],
  ['links'],
  ['payouts'],
  ['support'],
  ['reports'],
  ['dashboard'],
] as const;
const rankOf = new Map<string, number>(FEATURE_ORDER.flatMap((level, i) => level.map((f) => [f, i] as const)));

/** The owners of the tables: this table and the one in docs/ARCHITECTURE.md must be the same. */
export const TABLE_OWNERS: Record<string, string> = {
  data_changes: 'freshness',
  data_versions: 'freshness',
  accounts: 'accounts',
  account_tree: 'accounts',
  sessions: 'auth',
  auth_tokens: 'auth',
  login_failures: 'auth',
  wallets: 'ledger',
  ledger_transfers: 'ledger',
  ledger_entries: 'ledger',
  ledger_holds: 'ledger',
  publisher_debts: 'ledger',
  agency_requests: 'agency',
  suspensions: 'agency',
  suspension_moves: 'agency',
  top_ups: 'billing',
  invoices: 'billing',
  invoice_sequences: 'billing',
  sites: 'catalog',
  articles: 'catalog',
  article_keywords: 'catalog',
  keyword_imports: 'catalog',
  price_grid: 'catalog',
  price_settings: 'catalog',
  publisher_reliability: 'catalog',
  catalog_favourites: 'catalog',
  projects: 'orders',
  campaigns: 'orders',
  orders: 'orders',
  order_events: 'orders',
  order_spend_months: 'orders',
  order_spend_days: 'orders',
  order_live_counts: 'orders',
  order_placed_months: 'orders',
  order_client_statuses: 'orders',
  link_checks: 'links',
  link_monitors: 'links',
  monitor_hosts: 'links',
  claims: 'links',
  publisher_profiles: 'payouts',
  publisher_documents: 'payouts',
  self_billing_mandates: 'payouts',
  payout_batches: 'payouts',
  withdrawals: 'payouts',
  self_billed_sequences: 'payouts',
  self_billed_invoices: 'payouts',
  buyer_links: 'payouts',
  report_brandings: 'reports',
  report_shares: 'reports',
  report_subscriptions: 'reports',
  audit_log: 'audit',
  outbox_emails: 'notifications',
  notifications: 'notifications',
  notification_preferences: 'notifications',
  unsubscribe_tokens: 'notifications',
  idempotency_keys: 'http/idempotency',
  jobs: 'jobs',
};

/**
 * Consumers outside the features that may still name tables they do not own, with the reason.
 * Anything else outside a feature folder owns nothing and names no table.
 */
export const SQL_EXCEPTIONS: { file: string; tables: string[]; why: string }[] = [
  {
    file: 'db/demo-marketplace.ts',
    tables: ['sites', 'articles', 'article_keywords'],
    why: 'the demo catalog (300 sites, 3,000 articles, 30,000 keywords) is bulk-inserted in one transaction (the services would take one call per keyword) and read back to pick the offers of the demo orders',
  },
];

/**
 * Files of a feature that another may import: its use cases, its zod contract, its rules, and pure
 * helpers with no SQL. app.ts, which builds the app, also registers every feature's routes.ts.
 */
const IMPORTABLE = new Set(['service.ts', 'schema.ts', 'policy.ts']);
const PURE_HELPERS = new Set(['catalog/domain.ts', 'ledger/system.ts', 'auth/password.ts']);

export type TableUse = { table: string; line: number; via: string };

const BUILDER =
  /\.(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|using|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin|innerJoinLateral|leftJoinLateral|with|withRecursive)\(\s*(\[[^\]]*\]|'[^']*'|"[^"]*"|`[^`$]*`)/g;
const SQL_TABLE_FN = /\bsql\.table\(\s*['"`]([a-z_][a-z0-9_]*)/g;
const RAW_TABLE = /\b(from|join|into|update|table|truncate)\s+(?:only\s+)?(?:"?public"?\.)?"?([a-z_][a-z0-9_]*)"?/gi;

const lineAt = (source: string, index: number) => source.slice(0, index).split('\n').length;

/** The literal text of the sql`...` template starting at `start` (just after its backtick), and where it ends. */
function templateText(source: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      text += source.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      return { text, end: i + 1 };
    } else if (c === '$' && source[i + 1] === '{') {
      i = skipExpression(source, i + 2);
      text += ' ? ';
    } else {
      text += c;
      i += 1;
    }
  }
  return { text, end: i };
}

/** Skips a ${...} expression (nested braces, strings and templates included); returns the index after its brace. */
function skipExpression(source: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < source.length && depth > 0) {
    const c = source[i];
    if (c === '{') depth += 1;
    else if (c === '}') depth -= 1;
    else if (c === "'" || c === '"') {
      const close = source.indexOf(c, i + 1);
      i = close < 0 ? source.length : close;
    } else if (c === '`') {
      i = templateText(source, i + 1).end - 1;
    }
    i += 1;
  }
  return i;
}

/** Every table the source's SQL names: Kysely builder calls, sql.table() and raw sql`...` templates. */
export function tablesNamedIn(source: string, tables: Set<string>): TableUse[] {
  const uses: TableUse[] = [];
  const add = (name: string, index: number, via: string) => {
    const table = name.trim().split(/\s+/)[0].replace(/["`']/g, '');
    if (tables.has(table)) uses.push({ table, line: lineAt(source, index), via });
  };
  for (const m of source.matchAll(BUILDER)) {
    const arg = m[2];
    const names = arg.startsWith('[') ? [...arg.matchAll(/['"`]([^'"`]*)['"`]/g)].map((n) => n[1]) : [arg.slice(1, -1)];
    for (const name of names) add(name, m.index!, m[1]);
  }
  for (const m of source.matchAll(SQL_TABLE_FN)) add(m[1], m.index!, 'sql.table');
  for (const m of source.matchAll(/\bsql(?:<[^`;]*?>)?`/g)) {
    const start = m.index! + m[0].length;
    const { text } = templateText(source, start);
    for (const t of text.matchAll(RAW_TABLE)) add(t[2].toLowerCase(), start + t.index!, `sql \`${t[1]} …\``);
  }
  return uses;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' || e.name === 'testing' ? [] : walk(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The owner a file speaks for: its feature folder, or the infrastructure it belongs to. */
function ownerOf(file: string): string | null {
  const m = /^modules\/([^/]+)\//.exec(file);
  if (m) return m[1];
  if (file === 'http/idempotency.ts') return 'http/idempotency';
  if (file.startsWith('jobs/')) return 'jobs';
  return null;
}

function migrationTables(): Set<string> {
  const dir = join(SERVER, 'db/migrations');
  const names = readdirSync(dir).flatMap((f) =>
    [...readFileSync(join(dir, f), 'utf8').matchAll(/createTable\(\s*'([a-z_]+)'|\bcreate table ([a-z_]+)/g)].map((m) => m[1] ?? m[2]),
  );
  return new Set(names);
}

function docsOwners(): Record<string, string> {
  const doc = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const section = doc.split('### Table owners')[1] ?? '';
  const owners: Record<string, string> = {};
  for (const m of section.matchAll(/^\| `([a-z_]+)` \| `?([a-z/_.]+?)`? \|/gm)) owners[m[1]] = m[2];
  return owners;
}

/** The violations of the ownership rule in the given files (path relative to src/server → source). */
export function ownershipViolations(files: Record<string, string>, tables: Set<string>): string[] {
  const found: string[] = [];
  for (const [file, source] of Object.entries(files)) {
    const owner = ownerOf(file);
    const allowed = new Set(SQL_EXCEPTIONS.filter((e) => e.file === file).flatMap((e) => e.tables));
    for (const use of tablesNamedIn(source, tables)) {
      if (TABLE_OWNERS[use.table] === owner || allowed.has(use.table)) continue;
      found.push(`${file}:${use.line} names ${use.table} (${use.via}), owned by ${TABLE_OWNERS[use.table]}`);
    }
  }
  return found;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

/** The violations of the import rule: a feature imports another's internals, or one below it. */
export function importViolations(files: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [file, source] of Object.entries(files)) {
    const from = /^modules\/([^/]+)\//.exec(file)?.[1] ?? null;
    for (const m of source.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.')) continue;
      const target = relative(SERVER, resolve(SERVER, dirname(file), spec)).replace(/\.js$/, '.ts');
      const t = /^modules\/([^/]+)\/(.+)$/.exec(target);
      if (!t || t[1] === from) continue;
      const [, feature, inner] = t;
      const composing = file === 'app.ts' && inner === 'routes.ts';
      if (!IMPORTABLE.has(inner) && !PURE_HELPERS.has(`${feature}/${inner}`) && !composing) {
        found.push(`${file} imports ${target}: another feature is used through its service.ts`);
      }
      if (from !== null && !(rankOf.get(feature)! < rankOf.get(from)!)) {
        found.push(`${file} imports ${target}: ${from} may use only the features above it, not ${feature}`);
      }
    }
  }
  return found;
}

const sources = () => Object.fromEntries(walk(SERVER).map((p) => [relative(SERVER, p), readFileSync(p, 'utf8')]));

/**
 * The owner of each database function of the migrations. A function's body names only its owner's
 * tables; it reaches another feature's data through that feature's functions (allocate_credits
 * calls reachable_accounts, record_audit and notify_recipients), as code goes through a service.
 */
const FUNCTION_OWNERS: Record<string, string> = {
  allocate_credits: 'ledger',
  ledger_transfer: 'ledger',
  ledger_entries_append_only: 'ledger',
  // Every account has its wallet from the moment it exists: the ledger's trigger on accounts.
  open_wallet_of_account: 'ledger',
  reachable_accounts: 'accounts',
  audience_of: 'accounts',
  session_accounts: 'accounts',
  session_with_accounts: 'auth',
  session_json: 'auth',
  record_audit: 'audit',
  idempotency_claim: 'http/idempotency',
  idempotency_store: 'http/idempotency',
  notify_recipients: 'notifications',
  data_version: 'freshness',
  fold_data_changes: 'freshness',
  invoices_immutable: 'billing',
  self_billed_invoices_immutable: 'payouts',
  order_figures_add: 'orders',
  order_figures_drift: 'orders',
  order_figures_follow: 'orders',
};

/** Each `create function` of the migrations with a literal name: its name and its body. */
function migrationFunctions(): { name: string; file: string; body: string }[] {
  const dir = join(SERVER, 'db/migrations');
  return readdirSync(dir).flatMap((file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    return [...source.matchAll(/create (?:or replace )?function ([a-z_]+)\s*\(([\s\S]*?)\$\$([\s\S]*?)\$\$/g)].map((m) => ({ name: m[1], file, body: m[3] }));
  });
}


describe('module boundaries', () => {
  const tables = migrationTables();

  it('gives every table of the migrations exactly one owner, the same in the code and in docs/ARCHITECTURE.md', () => {
    expect(Object.keys(TABLE_OWNERS).sort()).toEqual([...tables].sort());
    expect(docsOwners()).toEqual(TABLE_OWNERS);
    for (const owner of new Set(Object.values(TABLE_OWNERS))) {
      expect(rankOf.has(owner) || owner === 'http/idempotency' || owner === 'jobs', owner).toBe(true);
    }
  });

  it('lets only the owner of a table name it in SQL', () => {
    expect(ownershipViolations(sources(), tables)).toEqual([]);
  });

  it('gives every database function one owner, whose tables alone its body names', () => {
    const functions = migrationFunctions();
    expect(functions.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const f of functions) {
      const owner = FUNCTION_OWNERS[f.name];
      if (!owner) {
        found.push(`${f.file}: ${f.name} has no owner in FUNCTION_OWNERS`);
        continue;
      }
      for (const use of tablesNamedIn(`sql\`${f.body}\``, tables)) {
        if (TABLE_OWNERS[use.table] !== owner) found.push(`${f.file}: ${f.name} (${owner}) names ${use.table}, owned by ${TABLE_OWNERS[use.table]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('lets a feature import another only through its exports, and only from above', () => {
    expect(importViolations(sources())).toEqual([]);
  });

  it('keeps its exceptions honest: each listed exception is still needed, and the pure helpers hold no SQL', () => {
    const files = sources();
    for (const e of SQL_EXCEPTIONS) {
      const named = new Set(tablesNamedIn(files[e.file] ?? '', tables).map((u) => u.table));
      expect(e.tables.filter((t) => !named.has(t)), `${e.file} no longer names these tables`).toEqual([]);
    }
    for (const helper of PURE_HELPERS) {
      const source = files[`modules/${helper}`];
      expect(source, helper).toBeDefined();
      expect(source).not.toMatch(/from 'kysely'/);
      expect(tablesNamedIn(source, tables)).toEqual([]);
    }
  });

  it('finds a foreign table in every form of SQL, and a forbidden import', () => {
    const violation = `
      import { isDescendant } from '../accounts/queries.js';
      import { placeOrder } from '../orders/service.js';
      export const a = (db) => db.selectFrom('wallets as w').innerJoin('accounts as a', 'a.id', 'w.account_id');
      export const b = (tx) => tx.insertInto('ledger_holds').values({});
      export const c = (tx) => tx.updateTable("sessions").set({});
      export const d = (tx) => tx.deleteFrom(['auth_tokens', 'login_failures']);
      export const e = (q) => q.leftJoin('account_tree as t', 't.descendant_id', 'x.id');
      export const f = sql<number>\`select count(*) from sites s join articles a on a.site_id = s.id where \${sql\`x in (select id from orders)\`}\`;
      export const g = sql\`insert into top_ups (id) values (1)\`;
      export const h = sql\`UPDATE invoices SET x = 1\`;
      export const i = (db) => db.with('recent', (q) => q.selectFrom('projects')).selectFrom('recent');
      export const j = (db) => db.selectFrom('audit_log');
    `;
    const found = ownershipViolations({ 'modules/billing/queries.ts': violation }, tables).map((v) => v.replace(/^[^ ]+ names (\w+).*$/, '$1'));
    expect(found.sort()).toEqual(
      ['wallets', 'accounts', 'ledger_holds', 'sessions', 'auth_tokens', 'login_failures', 'account_tree', 'sites', 'articles', 'orders', 'top_ups', 'invoices', 'projects', 'audit_log']
        .filter((t) => TABLE_OWNERS[t] !== 'billing')
        .sort(),
    );
    expect(ownershipViolations({ 'db/seed.ts': `db.insertInto('accounts')` }, tables)).toHaveLength(1);
    expect(importViolations({ 'modules/billing/service.ts': violation })).toEqual([
      'modules/billing/service.ts imports modules/accounts/queries.ts: another feature is used through its service.ts',
      'modules/billing/service.ts imports modules/orders/service.ts: billing may use only the features above it, not orders',
    ]);
  });
});

// Behind PgBouncer in transaction pooling mode (docs/OPERATIONS.md, npm run test:cluster) a server
// connection is a client's for one transaction only: what a session keeps (session advisory locks,
// LISTEN, SET outside a transaction, named prepared statements, temporary tables) would be seen by
// another request, or lost. Transaction-scoped forms (pg_advisory_xact_lock, SET LOCAL) are fine.
describe('what transaction pooling does not keep', () => {
  const SESSION_STATE: [RegExp, string][] = [
    [/pg_(try_)?advisory_lock(_shared)?\s*\(/i, 'a session advisory lock (use pg_advisory_xact_lock)'],
    [/\b(un)?listen\s+[a-z_"]/i, 'LISTEN/UNLISTEN'],
    [/[`'"]\s*set\s+(?!local\b)(session\s+)?[a-z_]+\s*(=|to\b)/i, 'SET outside a transaction (use SET LOCAL)'],
    [/\bprepare\s+[a-z_]+\s+(\(|as)/i, 'a named prepared statement (PREPARE)'],
    [/\bname\s*:\s*['"`][^'"`]+['"`]\s*,\s*text\s*:/, 'a named prepared statement (pg query config)'],
    [/create\s+(temp|temporary)\s+table/i, 'a temporary table'],
  ];

  function allServerSources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'testing' ? [] : allServerSources(path);
      return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
    });
  }

  function sessionStateIn(source: string): string[] {
    return SESSION_STATE.filter(([pattern]) => pattern.test(source)).map(([, what]) => what);
  }

  it('finds no session state in the server source, migrations included', () => {
    const found = allServerSources(SERVER).flatMap((file) =>
      sessionStateIn(readFileSync(file, 'utf8')).map((what) => `${relative(SERVER, file)}: ${what}`),
    );
    expect(found).toEqual([]);
  });

  it('recognises each form it forbids, and lets the transaction-scoped ones through', () => {
    expect(sessionStateIn("sql`select pg_advisory_lock(42)`")).toEqual(['a session advisory lock (use pg_advisory_xact_lock)']);
    expect(sessionStateIn("sql`LISTEN jobs`")).toEqual(['LISTEN/UNLISTEN']);
    expect(sessionStateIn("sql`set statement_timeout = 5000`")).toEqual(['SET outside a transaction (use SET LOCAL)']);
    expect(sessionStateIn("pool.query({ name: 'fetch-user', text: 'select 1' })")).toEqual(['a named prepared statement (pg query config)']);
    expect(sessionStateIn("sql`create temp table t (id int)`")).toEqual(['a temporary table']);
    expect(sessionStateIn("sql`select pg_advisory_xact_lock(42)`")).toEqual([]);
    expect(sessionStateIn("sql`set local statement_timeout = 5000`")).toEqual([]);
    expect(sessionStateIn("sql`update accounts set name = ${name}`")).toEqual([]);
  });
});

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sites')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('publisher_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('site_kind', 'text', (c) => c.notNull().check(sql`site_kind in ('generalist','thematic')`))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending_review').check(sql`status in ('pending_review','approved','refused')`),
    )
    .addColumn('review_reason', 'text')
    .addColumn('reviewed_by', 'uuid')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A domain is sold by one publisher at a time (a refused registration frees it).
  await sql`create unique index sites_domain_live on sites (domain) where status <> 'refused'`.execute(db);
  await db.schema.createIndex('sites_publisher_idx').on('sites').columns(['publisher_id', 'created_at']).execute();
  await db.schema.createIndex('sites_status_idx').on('sites').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('articles')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Derived from its keywords and the price grid, refreshed with them (catalog/queries.ts).
    .addColumn('best_keyword', 'text')
    .addColumn('best_position', 'integer')
    .addColumn('best_volume', 'integer')
    .addColumn('top10_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('price_cents', 'bigint')
    // Copied from the site, so that the catalog filters and sorts one table: `offered` is true
    // when the site is approved and the article has a price.
    .addColumn('offered', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('site_kind', 'text')
    .addColumn('theme', 'text')
    .addColumn('language', 'text')
    .addUniqueConstraint('articles_site_url', ['site_id', 'url'])
    .execute();
  await sql`create index articles_relevance on articles (best_position, best_volume desc, id) where offered`.execute(db);
  await sql`create index articles_volume on articles (best_volume desc, best_position, id) where offered`.execute(db);
  await sql`create index articles_price on articles (price_cents, best_position, id) where offered`.execute(db);

  await db.schema
    .createTable('article_keywords')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('article_id', 'uuid', (c) => c.notNull().references('articles.id'))
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addColumn('keyword_norm', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position between 1 and 1000`))
    .addColumn('volume', 'integer', (c) => c.notNull().check(sql`volume >= 0`))
    // Copied from the article and its site (catalog/queries.ts refreshArticles keeps them): the
    // search reads one table. `offer_price_cents` is null unless the article is offered.
    .addColumn('offer_price_cents', 'bigint')
    .addColumn('site_kind', 'text')
    .addColumn('theme', 'text')
    .addColumn('language', 'text')
    .addUniqueConstraint('article_keywords_unique', ['article_id', 'keyword_norm'])
    .execute();
  await sql`create index article_keywords_search on article_keywords using gin (to_tsvector('simple', keyword_norm)) where offer_price_cents is not null`.execute(db);
  // The catalog's sorts, so that a broad keyword is answered by walking an index in order.
  await sql`create index article_keywords_relevance on article_keywords (position, volume desc, id) where offer_price_cents is not null`.execute(db);
  await sql`create index article_keywords_volume on article_keywords (volume desc, position, id) where offer_price_cents is not null`.execute(db);
  await sql`create index article_keywords_price on article_keywords (offer_price_cents, position, id) where offer_price_cents is not null`.execute(db);

  await db.schema
    .createTable('price_grid')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_kind', 'text', (c) => c.notNull().check(sql`site_kind in ('generalist','thematic')`))
    .addColumn('max_position', 'integer', (c) => c.notNull().check(sql`max_position between 1 and 1000`))
    .addColumn('min_volume', 'integer', (c) => c.notNull().check(sql`min_volume >= 0`))
    .addColumn('price_cents', 'bigint', (c) => c.notNull().check(sql`price_cents > 0`))
    .addUniqueConstraint('price_grid_cell', ['site_kind', 'max_position', 'min_volume'])
    .execute();
  await db.schema
    .createTable('price_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('top10_bonus_cents', 'bigint', (c) => c.notNull().check(sql`top10_bonus_cents >= 0`))
    .addColumn('top10_bonus_max', 'integer', (c) => c.notNull().check(sql`top10_bonus_max >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();
  await sql`insert into price_settings (id, top10_bonus_cents, top10_bonus_max) values (1, 500, 10)`.execute(db);
  // The published starting grid: position bands × monthly volume bands, per site kind.
  const bands: [number, number, number, number][] = [
    // max position, min volume, generalist €, thematic €
    [3, 5000, 450, 520], [3, 1000, 320, 380], [3, 100, 210, 250], [3, 0, 140, 170],
    [10, 5000, 300, 350], [10, 1000, 210, 250], [10, 100, 140, 170], [10, 0, 90, 110],
    [20, 5000, 180, 210], [20, 1000, 130, 150], [20, 100, 90, 105], [20, 0, 60, 70],
    [100, 5000, 110, 130], [100, 1000, 80, 95], [100, 100, 55, 65], [100, 0, 40, 45],
  ];
  for (const [maxPosition, minVolume, generalist, thematic] of bands) {
    await sql`insert into price_grid (site_kind, max_position, min_volume, price_cents) values
      ('generalist', ${maxPosition}, ${minVolume}, ${generalist * 100}), ('thematic', ${maxPosition}, ${minVolume}, ${thematic * 100})`.execute(db);
  }

  await db.schema
    .createTable('keyword_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id'))
    .addColumn('publisher_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(sql`status in ('queued','running','done','failed')`))
    .addColumn('content', 'bytea')
    .addColumn('format', 'text')
    .addColumn('total_lines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_lines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_keywords', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_keywords', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_articles', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('failure', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('client_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('projects_client_domain', ['client_id', 'domain'])
    .execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id'))
    .addColumn('client_id', 'uuid', (c) => c.notNull())
    .addColumn('agency_id', 'uuid')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('goal', 'text')
    .addColumn('budget_cents', 'bigint', (c) => c.check(sql`budget_cents > 0`))
    .addColumn('starts_on', 'date')
    .addColumn('ends_on', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('campaigns_dates', sql`starts_on is null or ends_on is null or starts_on <= ends_on`)
    .execute();
  await db.schema.createIndex('campaigns_project_idx').on('campaigns').column('project_id').execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('client_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id'))
    .addColumn('campaign_id', 'uuid', (c) => c.references('campaigns.id'))
    .addColumn('article_id', 'uuid', (c) => c.notNull().references('articles.id'))
    .addColumn('site_id', 'uuid', (c) => c.notNull())
    .addColumn('publisher_id', 'uuid', (c) => c.notNull())
    .addColumn('keyword', 'text')
    .addColumn('price_cents', 'bigint', (c) => c.notNull().check(sql`price_cents > 0`))
    .addColumn('commission_bp', 'integer', (c) => c.notNull())
    .addColumn('target_url', 'text', (c) => c.notNull())
    .addColumn('anchor', 'text', (c) => c.notNull())
    .addColumn('brief', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('placed','accepted','link_placed','verified','completed','refused','cancelled','expired','lost')`),
    )
    .addColumn('hold_id', 'uuid')
    .addColumn('live_url', 'text')
    .addColumn('last_check', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('accept_by', 'timestamptz', (c) => c.notNull())
    .addColumn('verified_at', 'timestamptz')
    .addColumn('payable_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('placed_by', 'uuid')
    .addColumn('placed_as', 'uuid')
    .execute();
  // The orders view: newest first within each filter; the price included so that totals are
  // read from the index alone.
  await sql`create index orders_client_idx on orders (client_id, created_at) include (status, price_cents, agency_id)`.execute(db);
  await sql`create index orders_agency_idx on orders (agency_id, created_at) include (status, price_cents)`.execute(db);
  await sql`create index orders_agency_status_idx on orders (agency_id, status, created_at) include (price_cents)`.execute(db);
  await sql`create index orders_project_idx on orders (project_id, created_at) include (status, price_cents)`.execute(db);
  await sql`create index orders_campaign_idx on orders (campaign_id, created_at) include (status, price_cents)`.execute(db);
  await db.schema.createIndex('orders_publisher_idx').on('orders').columns(['publisher_id', 'status', 'created_at']).execute();
  // The sweeps (expiry, payout). Plain composites rather than partial indexes, which the planner
  // would also pick for the orders view's per-status totals and then read the table.
  await sql`create index orders_accept_by_idx on orders (status, accept_by)`.execute(db);
  await sql`create index orders_payable_idx on orders (status, payable_at)`.execute(db);

  await db.schema
    .createTable('order_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('person_id', 'uuid')
    .addColumn('acting_account_id', 'uuid')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('run_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index jobs_due_idx on jobs (run_at) where done_at is null`.execute(db);

  for (const [id, name] of [
    ['00000000-0000-4000-8000-000000000003', 'Maillon — commissions'],
  ] as const) {
    await sql`insert into accounts (id, role, name, search_text) values (${id}, 'system', ${name}, ${name.toLowerCase()})`.execute(db);
    await sql`insert into account_tree (ancestor_id, descendant_id, depth) values (${id}, ${id}, 0)`.execute(db);
    await sql`insert into wallets (account_id, kind) values (${id}, 'system')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['jobs', 'order_events', 'orders', 'campaigns', 'projects', 'keyword_imports', 'price_settings', 'price_grid', 'article_keywords', 'articles', 'sites']) {
    await db.schema.dropTable(t).execute();
  }
}

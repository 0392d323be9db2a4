import { sql, type Kysely } from 'kysely';

/**
 * Order figures kept up to date by the database (issue 12): the dashboards and the team table of
 * an agency of 10,000 clients and 1,000,000 orders read a few thousand summary rows instead of
 * hundreds of thousands of orders.
 *
 * - `order_spend_months`: per client, agency and Paris month of verification, the spend (price less
 *   refunds) and the number of orders. A dashboard's period reads its whole months here and only its
 *   partial first and last months from the orders.
 * - `order_spend_days`: per agency and Paris day of verification, the same: the agency's spend chart.
 * - `order_placed_months`: per client, agency, Paris month of placing and current status, the
 *   orders and their price (nothing for refused, cancelled or expired ones): the team table.
 * - `order_live_counts`: per client, its orders verified or completed (the team table's live links).
 * - `order_client_statuses`: per client, agency and current status, the orders and their price: the
 *   totals of the orders view when it is not narrowed to a project, a campaign or dates.
 *
 * One trigger on `orders` adds each order's contribution and takes back the old one whenever a
 * column they depend on changes, so no code path can forget them. It is deferred to the commit: the
 * summary rows (one per agency and day is shared by all the agency's verifications of the day) are
 * locked only for the moment of the commit, always after the orders and wallets the transaction
 * locked, in the same order in every transaction. `order_figures_drift()` lists the rows that differ
 * from a recount (tests call it; an operator may too).
 *
 * Three indexes serve a manager's or consultant's dashboard, which reads its clients' orders by
 * client (EXPLAIN on bench/dashboard.ts, a manager of 500 clients and 50,000 orders: live links
 * 160 ms from the heap, a few ms from the index): live links, lost links, orders in progress.
 */
const PARIS = `'Europe/Paris'`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('order_spend_months')
    .addColumn('client_id', 'uuid', (c) => c.notNull())
    .addColumn('month', 'date', (c) => c.notNull())
    .addColumn('agency_id', 'uuid')
    .addColumn('cents', 'int8', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index order_spend_months_key on order_spend_months (client_id, month, agency_id) nulls not distinct`.execute(db);
  await sql`create index order_spend_months_agency_idx on order_spend_months (agency_id, month) include (client_id, cents, orders) where agency_id is not null`.execute(db);
  await sql`create index order_spend_months_client_idx on order_spend_months (client_id, month) include (cents, orders)`.execute(db);

  await db.schema
    .createTable('order_spend_days')
    .addColumn('agency_id', 'uuid', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('cents', 'int8', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_spend_days_pkey', ['agency_id', 'day'])
    .execute();

  await db.schema
    .createTable('order_placed_months')
    .addColumn('client_id', 'uuid', (c) => c.notNull())
    .addColumn('month', 'date', (c) => c.notNull())
    .addColumn('agency_id', 'uuid')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addColumn('cents', 'int8', (c) => c.notNull())
    .execute();
  await sql`create unique index order_placed_months_key on order_placed_months (client_id, month, agency_id, status) nulls not distinct`.execute(db);
  await sql`create index order_placed_months_agency_idx on order_placed_months (agency_id, month) include (client_id, status, orders, cents) where agency_id is not null`.execute(db);
  // An agency's team table reads the orders of its period's partial months by agency: client included.
  await sql`drop index orders_agency_idx`.execute(db);
  await sql`create index orders_agency_idx on orders (agency_id, created_at) include (status, price_cents, client_id)`.execute(db);

  await sql`create index orders_client_live_idx on orders (client_id, guarantee_ends_at) where status in ('verified', 'completed')`.execute(db);
  await sql`create index orders_client_lost_idx on orders (client_id, lost_at) where status = 'lost'`.execute(db);
  await sql`create index orders_client_open_idx on orders (client_id, status) include (price_cents) where status in ('placed', 'accepted', 'link_placed', 'verified')`.execute(db);

  await db.schema
    .createTable('order_client_statuses')
    .addColumn('client_id', 'uuid', (c) => c.notNull())
    .addColumn('agency_id', 'uuid')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addColumn('cents', 'int8', (c) => c.notNull())
    .execute();
  await sql`create unique index order_client_statuses_key on order_client_statuses (client_id, agency_id, status) nulls not distinct`.execute(db);
  await sql`create index order_client_statuses_agency_idx on order_client_statuses (agency_id, status) include (orders, cents) where agency_id is not null`.execute(db);

  await db.schema
    .createTable('order_live_counts')
    .addColumn('client_id', 'uuid', (c) => c.primaryKey())
    .addColumn('links', 'integer', (c) => c.notNull())
    .execute();

  for (const statement of [
    `create function order_figures_add(o orders, sign int) returns void language plpgsql as $$
    begin
      if o.verified_at is not null then
        insert into order_spend_months as m (client_id, month, agency_id, cents, orders)
        values (o.client_id, date_trunc('month', o.verified_at at time zone ${PARIS})::date, o.agency_id,
                sign * (o.price_cents - o.refunded_cents), sign)
        on conflict (client_id, month, agency_id) do update set cents = m.cents + excluded.cents, orders = m.orders + excluded.orders;
        if o.agency_id is not null then
          insert into order_spend_days as d (agency_id, day, cents, orders)
          values (o.agency_id, (o.verified_at at time zone ${PARIS})::date, sign * (o.price_cents - o.refunded_cents), sign)
          on conflict (agency_id, day) do update set cents = d.cents + excluded.cents, orders = d.orders + excluded.orders;
        end if;
      end if;
      insert into order_placed_months as p (client_id, month, agency_id, status, orders, cents)
      values (o.client_id, date_trunc('month', o.created_at at time zone ${PARIS})::date, o.agency_id, o.status, sign,
              case when o.status in ('refused', 'cancelled', 'expired') then 0 else sign * o.price_cents end)
      on conflict (client_id, month, agency_id, status) do update set orders = p.orders + excluded.orders, cents = p.cents + excluded.cents;
      insert into order_client_statuses as cs (client_id, agency_id, status, orders, cents)
      values (o.client_id, o.agency_id, o.status, sign, sign * o.price_cents)
      on conflict (client_id, agency_id, status) do update set orders = cs.orders + excluded.orders, cents = cs.cents + excluded.cents;
      if o.status in ('verified', 'completed') then
        insert into order_live_counts as l (client_id, links) values (o.client_id, sign)
        on conflict (client_id) do update set links = l.links + excluded.links;
      end if;
    end $$`,
    `create function order_figures_follow() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE'
        and old.client_id = new.client_id and old.agency_id is not distinct from new.agency_id
        and old.verified_at is not distinct from new.verified_at
        and old.price_cents = new.price_cents and old.refunded_cents = new.refunded_cents
        and old.status = new.status and old.created_at = new.created_at then
        return null;
      end if;
      if tg_op <> 'INSERT' then perform order_figures_add(old, -1); end if;
      if tg_op <> 'DELETE' then perform order_figures_add(new, 1); end if;
      return null;
    end $$`,
    `create constraint trigger orders_follow_figures
      after insert or delete or update of client_id, agency_id, verified_at, price_cents, refunded_cents, status, created_at on orders
      deferrable initially deferred for each row execute function order_figures_follow()`,
    `create function order_figures_drift() returns table (figure text, key text, kept int8, counted int8) language sql stable as $$
      with months as (
        select client_id, date_trunc('month', verified_at at time zone ${PARIS})::date as month, agency_id,
               sum(price_cents - refunded_cents)::int8 as cents, count(*)::int8 as orders
        from orders where verified_at is not null group by 1, 2, 3),
      days as (
        select agency_id, (verified_at at time zone ${PARIS})::date as day,
               sum(price_cents - refunded_cents)::int8 as cents, count(*)::int8 as orders
        from orders where verified_at is not null and agency_id is not null group by 1, 2),
      placed as (
        select client_id, date_trunc('month', created_at at time zone ${PARIS})::date as month, agency_id, status,
               sum(case when status in ('refused', 'cancelled', 'expired') then 0 else price_cents end)::int8 as cents, count(*)::int8 as orders
        from orders group by 1, 2, 3, 4),
      statuses as (
        select client_id, agency_id, status, sum(price_cents)::int8 as cents, count(*)::int8 as orders from orders group by 1, 2, 3),
      live as (
        select client_id, count(*)::int8 as links from orders where status in ('verified', 'completed') group by 1)
      select 'month cents', concat_ws(' ', coalesce(k.client_id, c.client_id), coalesce(k.month, c.month), coalesce(k.agency_id, c.agency_id)),
             coalesce(k.cents, 0), coalesce(c.cents, 0)
      from order_spend_months k full join months c
        on c.client_id = k.client_id and c.month = k.month and c.agency_id is not distinct from k.agency_id
      where coalesce(k.cents, 0) <> coalesce(c.cents, 0) or coalesce(k.orders, 0) <> coalesce(c.orders, 0)
      union all
      select 'day cents', concat_ws(' ', coalesce(k.agency_id, c.agency_id), coalesce(k.day, c.day)), coalesce(k.cents, 0), coalesce(c.cents, 0)
      from order_spend_days k full join days c on c.agency_id = k.agency_id and c.day = k.day
      where coalesce(k.cents, 0) <> coalesce(c.cents, 0) or coalesce(k.orders, 0) <> coalesce(c.orders, 0)
      union all
      select 'placed orders', concat_ws(' ', coalesce(k.client_id, c.client_id), coalesce(k.month, c.month), coalesce(k.agency_id, c.agency_id), coalesce(k.status, c.status)),
             coalesce(k.orders, 0), coalesce(c.orders, 0)
      from order_placed_months k full join placed c
        on c.client_id = k.client_id and c.month = k.month and c.agency_id is not distinct from k.agency_id and c.status = k.status
      where coalesce(k.cents, 0) <> coalesce(c.cents, 0) or coalesce(k.orders, 0) <> coalesce(c.orders, 0)
      union all
      select 'client statuses', concat_ws(' ', coalesce(k.client_id, c.client_id), coalesce(k.agency_id, c.agency_id), coalesce(k.status, c.status)),
             coalesce(k.orders, 0), coalesce(c.orders, 0)
      from order_client_statuses k full join statuses c
        on c.client_id = k.client_id and c.agency_id is not distinct from k.agency_id and c.status = k.status
      where coalesce(k.cents, 0) <> coalesce(c.cents, 0) or coalesce(k.orders, 0) <> coalesce(c.orders, 0)
      union all
      select 'live links', coalesce(k.client_id, c.client_id)::text, coalesce(k.links, 0), coalesce(c.links, 0)
      from order_live_counts k full join live c on c.client_id = k.client_id
      where coalesce(k.links, 0) <> coalesce(c.links, 0)
    $$`,
  ])
    await sql.raw(statement).execute(db);

  // The orders already there.
  for (const statement of [
    `insert into order_spend_months (client_id, month, agency_id, cents, orders)
    select client_id, date_trunc('month', verified_at at time zone ${PARIS})::date, agency_id, sum(price_cents - refunded_cents), count(*)
    from orders where verified_at is not null group by 1, 2, 3`,
    `insert into order_spend_days (agency_id, day, cents, orders)
    select agency_id, (verified_at at time zone ${PARIS})::date, sum(price_cents - refunded_cents), count(*)
    from orders where verified_at is not null and agency_id is not null group by 1, 2`,
    `insert into order_placed_months (client_id, month, agency_id, status, orders, cents)
    select client_id, date_trunc('month', created_at at time zone ${PARIS})::date, agency_id, status, count(*),
           sum(case when status in ('refused', 'cancelled', 'expired') then 0 else price_cents end)
    from orders group by 1, 2, 3, 4`,
    `insert into order_client_statuses (client_id, agency_id, status, orders, cents)
    select client_id, agency_id, status, count(*), sum(price_cents) from orders group by 1, 2, 3`,
    `insert into order_live_counts (client_id, links)
    select client_id, count(*) from orders where status in ('verified', 'completed') group by 1`,
  ])
    await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger orders_follow_figures on orders`.execute(db);
  await sql`drop function order_figures_follow()`.execute(db);
  await sql`drop function order_figures_drift()`.execute(db);
  await sql`drop function order_figures_add(orders, int)`.execute(db);
  await db.schema.dropTable('order_live_counts').execute();
  await db.schema.dropTable('order_placed_months').execute();
  await db.schema.dropTable('order_client_statuses').execute();
  await sql`drop index orders_agency_idx`.execute(db);
  await sql`create index orders_agency_idx on orders (agency_id, created_at) include (status, price_cents)`.execute(db);
  for (const name of ['orders_client_open_idx', 'orders_client_lost_idx', 'orders_client_live_idx']) await db.schema.dropIndex(name).execute();
  await db.schema.dropTable('order_spend_days').execute();
  await db.schema.dropTable('order_spend_months').execute();
}

import type { Ctx, Tx } from '../../http/actor.js';
import type { Language } from '../../db/types.js';
import { audienceOf, findAccountById } from '../accounts/service.js';
import { siteOf } from '../catalog/service.js';
import { notify, type NotificationKind, type NotificationParams } from '../notifications/service.js';

// Who is told what happens to an order (in the transaction of the change).

export type OrderForNotice = { id: string; site_id: string; client_id: string; publisher_id: string; anchor: string };

/** The page where the publisher handles its received orders (accepts, refuses, gives the live URL). */
export const PUBLISHER_ORDERS_PAGE = '/editeur/commandes';

/** Tells the publisher of `order` (and anyone above its account) about it. */
export async function tellPublisher(tx: Tx, ctx: Ctx, order: OrderForNotice, kind: NotificationKind, params: NotificationParams = {}) {
  const site = await siteOf(tx, order.site_id);
  await notify(tx, ctx, {
    kind,
    params: { site: site.domain, anchor: order.anchor, ...params },
    link: PUBLISHER_ORDERS_PAGE,
    object: { type: 'order', id: order.id },
    recipients: await audienceOf(tx, order.publisher_id),
  });
}

/**
 * Tells the buyer side of `order`: the client, its person in charge and those above. `localized`
 * gives params whose text depends on the recipient's language (each is told in its own).
 */
export async function tellBuyer(
  tx: Tx,
  ctx: Ctx,
  order: OrderForNotice,
  kind: NotificationKind,
  params: NotificationParams = {},
  localized?: (lang: Language) => NotificationParams,
) {
  const client = await findAccountById(tx, order.client_id);
  const recipients = await audienceOf(tx, order.client_id);
  const groups = new Map<Language | null, typeof recipients>();
  for (const r of recipients) {
    const key = localized ? r.language : null;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [lang, group] of groups) {
    await notify(tx, ctx, {
      kind,
      params: { client: client?.name ?? '', anchor: order.anchor, ...params, ...(lang && localized ? localized(lang) : {}) },
      link: `/commandes/${order.id}`,
      object: { type: 'order', id: order.id },
      recipients: group,
    });
  }
}

import type { Ctx } from '../../http/actor.js';
import { decimalEuros, frenchExcelCsv } from '../../http/csv.js';
import { accountLabels } from '../accounts/service.js';
import { publisherActivityByQuarter, type YearActivity } from '../orders/service.js';
import type { TaxStatement, TaxStatementQuarter } from './pdf.js';
import { findProfiles } from './queries.js';

/**
 * What the platform reports of its sellers' income (issue 11): the yearly DAC7 export for the tax
 * administration (directive (UE) 2021/514, art. 1649 ter A CGI) and each seller's yearly statement
 * (art. 242 bis CGI). Both read the orders' activity by quarter (Europe/Paris, by completion):
 * consideration = price − commission − refunds, fees = the commission, one activity per paid order.
 */

export const DAC7_COLUMNS = [
  'Identifiant vendeur',
  'Type',
  'Nom ou raison sociale',
  'Adresse',
  'Code postal',
  'Ville',
  'Pays',
  'Date de naissance',
  'SIRET',
  'Numéro fiscal (NIF)',
  'Numéro de TVA',
  'IBAN',
  'Contrepartie T1 (€)',
  'Contrepartie T2 (€)',
  'Contrepartie T3 (€)',
  'Contrepartie T4 (€)',
  'Commissions T1 (€)',
  'Commissions T2 (€)',
  'Commissions T3 (€)',
  'Commissions T4 (€)',
  'Transactions T1',
  'Transactions T2',
  'Transactions T3',
  'Transactions T4',
  'Contrepartie totale (€)',
  'Commissions totales (€)',
  'Transactions totales',
];

const sum = (a: YearActivity, key: 'considerationCents' | 'feesCents' | 'activities') =>
  a.quarters.reduce((s, q) => s + q[key], 0);

/**
 * The DAC7 export of `year`: one row per seller paid that year (orders completed in the year, in
 * Paris), its identity from its payout profile (blank when it has none: support sees who to chase),
 * the consideration, fees and activities of each quarter and their totals. A French-Excel CSV
 * (semicolons, BOM, no live formula: every cell goes through neutralizeFormula).
 */
export async function dac7Csv(ctx: Ctx, year: number): Promise<string> {
  const activity = await publisherActivityByQuarter(ctx.db, year);
  const ids = [...activity.keys()];
  const [profiles, names] = await Promise.all([findProfiles(ctx.db, ids), accountLabels(ctx.db, ids)]);
  const rows = ids.map((id) => {
    const a = activity.get(id)!;
    const p = profiles.get(id);
    return {
      name: p?.legal_name ?? names.get(id)?.name ?? '',
      cells: [
        id,
        p?.kind ?? '',
        p?.legal_name ?? names.get(id)?.name ?? '',
        p?.address ?? '',
        p?.postal_code ?? '',
        p?.city ?? '',
        p?.country ?? '',
        p?.birth_date ?? '',
        p?.siret ?? '',
        p?.tax_number ?? '',
        p?.vat_number ?? '',
        p?.iban ?? '',
        ...a.quarters.map((q) => decimalEuros(q.considerationCents)),
        ...a.quarters.map((q) => decimalEuros(q.feesCents)),
        ...a.quarters.map((q) => String(q.activities)),
        decimalEuros(sum(a, 'considerationCents')),
        decimalEuros(sum(a, 'feesCents')),
        String(sum(a, 'activities')),
      ],
      id,
    };
  });
  rows.sort((x, y) => x.name.localeCompare(y.name, 'fr') || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return frenchExcelCsv(
    DAC7_COLUMNS,
    rows.map((r) => r.cells),
  );
}

/**
 * A seller's yearly statement (art. 242 bis CGI): the platform, the seller as its profile names it
 * (its account name and blank address without a profile), and the year's transactions: gross (what
 * buyers paid, refunds deducted), the platform's fees, net (what the seller received), by quarter.
 * A year without paid orders gives zeros (the statement is still due to whoever asks for it).
 */
export async function taxStatementOf(ctx: Ctx, publisherId: string, year: number, now = new Date()): Promise<TaxStatement> {
  const activity = (await publisherActivityByQuarter(ctx.db, year, publisherId)).get(publisherId);
  const [profiles, names] = await Promise.all([findProfiles(ctx.db, [publisherId]), accountLabels(ctx.db, [publisherId])]);
  const p = profiles.get(publisherId);
  const quarters: TaxStatementQuarter[] = ([1, 2, 3, 4] as const).map((quarter) => {
    const q = activity?.quarters[quarter - 1] ?? { considerationCents: 0, feesCents: 0, activities: 0 };
    return {
      quarter,
      transactions: q.activities,
      grossCents: q.considerationCents + q.feesCents,
      feesCents: q.feesCents,
      netCents: q.considerationCents,
    };
  });
  const s = ctx.config.seller;
  return {
    year,
    issuedAt: now,
    platform: {
      name: s.name,
      legalName: s.legalName,
      address: s.address,
      postalCode: s.postalCode,
      city: s.city,
      country: s.country,
      siret: s.siret,
      vatNumber: s.vatNumber,
    },
    seller: {
      name: p?.legal_name ?? names.get(publisherId)?.name ?? '',
      kind: p?.kind ?? null,
      address: p?.address ?? '',
      postalCode: p?.postal_code ?? '',
      city: p?.city ?? '',
      country: p?.country ?? '',
      siret: p?.siret ?? null,
      taxNumber: p?.tax_number ?? null,
    },
    transactions: quarters.reduce((t, q) => t + q.transactions, 0),
    grossCents: quarters.reduce((t, q) => t + q.grossCents, 0),
    feesCents: quarters.reduce((t, q) => t + q.feesCents, 0),
    netCents: quarters.reduce((t, q) => t + q.netCents, 0),
    quarters,
  };
}

import { z } from 'zod';

export const ZRole = z.enum(['agency', 'manager', 'consultant', 'client', 'publisher', 'support']);
export const ZMode = z.enum(['simple', 'intermediate', 'complete']);

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const ZCompany = z.object({
  legalName: trimmed(200),
  address: trimmed(300),
  postalCode: trimmed(20),
  city: trimmed(100),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: 'Code pays à 2 lettres (FR, BE…) / 2-letter country code (FR, BE…)' })
    .describe('ISO 3166-1 alpha-2 country code, e.g. FR'),
  siret: z
    .string()
    .overwrite((v) => v.replace(/\s/g, ''))
    .regex(/^\d{9}(\d{5})?$/, { error: 'SIREN (9 chiffres) ou SIRET (14 chiffres) / SIREN (9 digits) or SIRET (14 digits)' })
    .nullish(),
  vatNumber: z
    .string()
    .overwrite((v) => v.replace(/\s/g, '').toUpperCase())
    .regex(/^[A-Z]{2}[0-9A-Z+*.]{2,13}$/, { error: 'Numéro de TVA intracommunautaire invalide / invalid VAT number' })
    .nullish(),
});

/** Why a closed account is closed: deactivated by someone, or suspended by a mode switch (and by whom, when). */
export const ZClosed = z.object({
  reason: z.enum(['deactivated', 'suspended_by_mode']),
  at: z.string().nullable(),
  byPersonId: z.string().nullable(),
  byPersonName: z.string().nullable(),
});

export const ZAccount = z.object({
  id: z.string(),
  role: ZRole,
  name: z.string(),
  email: z.string().nullable(),
  parentId: z.string().nullable(),
  agencyId: z.string().nullable(),
  active: z.boolean(),
  /** null while the account is open */
  closed: ZClosed.nullable(),
});

export const ZAccountListItem = ZAccount.extend({
  parentName: z.string().nullable(),
  depth: z.number().int(),
  hasLogin: z.boolean(),
  lastSignInAt: z.string().nullable(),
  balanceCents: z.number().int(),
  /** available credits of the account and everything below it */
  subtreeBalanceCents: z.number().int(),
  childrenCount: z.number().int(),
});

export const ZAccountDetail = ZAccount.extend({
  company: ZCompany.nullable(),
  agencyMode: ZMode.nullable(),
  hasLogin: z.boolean(),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
  parentName: z.string().nullable(),
  wallet: z.object({
    postedCents: z.number().int(),
    pendingCents: z.number().int(),
    availableCents: z.number().int(),
    /** the low-balance threshold: under it, the account's people are told; null: off */
    lowBalanceCents: z.number().int().nullable(),
  }),
});

export const ZAccountIdParams = z.object({ id: z.uuid() });

export const ZListAccountsQuery = z.object({
  role: ZRole.optional(),
  parentId: z.uuid().optional(),
  q: z.string().trim().max(100).optional(),
  status: z.enum(['active', 'inactive', 'all']).default('active'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export type TAccount = z.infer<typeof ZAccount>;
export type TAccountListItem = z.infer<typeof ZAccountListItem>;
export type TAccountDetail = z.infer<typeof ZAccountDetail>;
export type TCompany = z.infer<typeof ZCompany>;

export const ZSearchAccountsQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

/** One result of the quick switcher's search. */
export const ZAccountSearchItem = z.object({
  id: z.string(),
  role: ZRole,
  name: z.string(),
  email: z.string().nullable(),
  active: z.boolean(),
  parentId: z.string().nullable(),
  parentName: z.string().nullable(),
  /** whether it has open accounts below it */
  hasChildren: z.boolean(),
});

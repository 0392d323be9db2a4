import { z } from 'zod';
import { ZDay } from '../../http/validation.js';

export const ZTransferBody = z.object({
  fromAccountId: z.uuid(),
  toAccountId: z.uuid(),
  amountCents: z
    .number()
    .int({ error: 'Un nombre entier de centimes / a whole number of cents' })
    .positive({ error: 'Le montant doit être positif / the amount must be positive' })
    .max(100_000_000_00, { error: 'Montant trop élevé / amount too large' }),
  memo: z.string().trim().max(500).optional(),
});

export const ZTransfer = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  fromAccountId: z.string(),
  toAccountId: z.string(),
  amountCents: z.number().int(),
  memo: z.string().nullable(),
});

export const ZEntryKind = z.enum(['allocation', 'return', 'top_up', 'top_up_refund', 'order_capture', 'publisher_earning', 'commission', 'claim_refund', 'debt_repayment', 'payout', 'earnings_conversion']);


export const ZLedgerQuery = z.object({
  kind: ZEntryKind.optional(),
  from: ZDay.optional(),
  to: ZDay.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const ZLedgerEntry = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  amountCents: z.number().int(),
  balanceAfterCents: z.number().int(),
  counterpartyAccountId: z.string().nullable(),
  counterpartyName: z.string().nullable(),
  personId: z.string().nullable(),
  personName: z.string().nullable(),
  actingAccountId: z.string().nullable(),
  memo: z.string().nullable(),
});

/** The low-balance threshold of a wallet, in cents (null: off); under it, its people are told once. */
export const ZLowBalanceBody = z.object({ thresholdCents: z.number().int().min(0).max(100_000_000).nullable() });
export const ZLowBalanceResult = z.object({ lowBalanceCents: z.number().int().nullable() });

/** Several allocations from one wallet at once (the team table's « Répartir des crédits »): all or nothing. */
export const MAX_BULK_ALLOCATIONS = 200;
export const ZBulkTransferBody = z.object({
  fromAccountId: z.uuid(),
  allocations: z
    .array(z.object({ toAccountId: z.uuid(), amountCents: ZTransferBody.shape.amountCents }))
    .min(1)
    .max(MAX_BULK_ALLOCATIONS, { error: `Au plus ${MAX_BULK_ALLOCATIONS} lignes / at most ${MAX_BULK_ALLOCATIONS} lines` }),
  memo: z.string().trim().max(500).optional(),
});
export const ZBulkTransfer = z.object({ totalCents: z.number().int(), items: z.array(ZTransfer) });

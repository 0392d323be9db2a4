import { z } from 'zod';

export const ZTopUpBody = z.object({
  amountCents: z
    .number()
    .int()
    .min(10_00, { error: 'Minimum 10 € / at least 10 €' })
    .max(1_000_000_00, { error: 'Maximum 1 000 000 € / at most 1,000,000 €' })
    .multipleOf(100, { error: 'En euros entiers / in whole euros' }),
  method: z.enum(['bank_transfer']),
});

export const ZTopUpCreated = z.object({
  id: z.string(),
  status: z.literal('awaiting_payment'),
  accountId: z.string(),
  amountCents: z.number().int(),
  vatCents: z.number().int(),
  totalCents: z.number().int(),
  paymentReference: z.string(),
  proformaUrl: z.string(),
});

export const ZTopUp = z.object({
  id: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  amountCents: z.number().int(),
  vatCents: z.number().int(),
  totalCents: z.number().int(),
  status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'refunded']),
  method: z.string(),
  paymentReference: z.string(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  invoiceId: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  proformaUrl: z.string(),
});

export const ZTopUpQuery = z.object({
  accountId: z.uuid().optional(),
  status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'refunded']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const ZConfirmResult = z.object({
  id: z.string(),
  status: z.literal('paid'),
  invoiceId: z.string(),
  invoiceNumber: z.string(),
});
export const ZCancelResult = z.object({
  id: z.string(),
  status: z.enum(['cancelled', 'refunded']),
  creditNoteId: z.string().nullable(),
});

export const ZInvoice = z.object({
  id: z.string(),
  kind: z.enum(['invoice', 'credit_note']),
  number: z.string(),
  issuedAt: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  subtotalCents: z.number().int(),
  vatCents: z.number().int(),
  totalCents: z.number().int(),
  topUpId: z.string().nullable(),
  pdfUrl: z.string(),
});

export const ZInvoiceQuery = z.object({
  accountId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

import { z } from 'zod';
import { ZAccount, ZCompany, ZMode } from '../accounts/schema.js';

const ZPassword = z
  .string()
  .min(10, { error: 'Au moins 10 caractères / At least 10 characters' })
  .max(200, { error: 'Au plus 200 caractères / At most 200 characters' });
const ZEmail = z.email({ error: 'Adresse e-mail invalide / Invalid e-mail address' }).max(254);

export const ZSignupBody = z.object({
  email: ZEmail,
  password: ZPassword,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['customer', 'publisher']),
  company: ZCompany.optional(),
});

export const ZLoginBody = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(200) });

export const ZMeAccount = ZAccount.omit({ closed: true }).extend({ agencyMode: ZMode.nullable() });

export const ZSessionResult = z.object({ account: ZAccount, csrfToken: z.string() });

export const ZMe = z.object({
  person: ZMeAccount,
  account: ZMeAccount,
  actingAs: z.boolean(),
  csrfToken: z.string(),
  actingReason: z.string().nullable().optional(),
  actingExpiresAt: z.string().nullable().optional(),
  /** name of the account whose acting-as just ended (moved, deactivated, expired) */
  actingEnded: z.string().nullable().optional(),
});

export const ZActAsBody = z.object({ accountId: z.uuid(), reason: z.string().trim().max(500).optional() });
export const ZPasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: ZPassword });
export const ZEmailBody = z.object({ currentPassword: z.string().min(1).max(200), email: ZEmail });
/** The account as it is (its e-mail unchanged until confirmed) and the address awaiting confirmation. */
export const ZEmailChangeResult = ZAccount.extend({ pendingEmail: z.string() });
export const ZEmailConfirmBody = z.object({ token: z.string().min(10).max(200) });
export const ZEmailConfirmResult = z.object({ email: z.string() });
export const ZResetRequestBody = z.object({ email: z.string().trim().min(1).max(254) });
export const ZResetBody = z.object({ token: z.string().min(10).max(200), newPassword: ZPassword });
export const ZInvitationParams = z.object({ token: z.string().min(10).max(200) });
export const ZInvitation = z.object({ name: z.string(), email: z.string(), role: z.string() });
export const ZAcceptInvitationBody = z.object({ token: z.string().min(10).max(200), password: ZPassword });

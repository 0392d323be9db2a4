// Types of the API, inferred from the server's own zod schemas (types only: nothing of the server
// reaches the bundle). Never copy a shape by hand here.
import type { z } from 'zod';
import type {
  ZAcceptInvitationBody,
  ZActAsBody,
  ZEmailBody,
  ZEmailChangeResult,
  ZEmailConfirmBody,
  ZInvitation,
  ZLoginBody,
  ZMe,
  ZPasswordBody,
  ZResetBody,
  ZResetRequestBody,
  ZSessionResult,
  ZSignupBody,
} from '../../server/modules/auth/schema';
import type {
  ZAccount,
  ZAccountDetail,
  ZAccountListItem,
  ZAccountSearchItem,
  ZCompany,
  ZListAccountsQuery,
  ZMode,
  ZRole,
} from '../../server/modules/accounts/schema';
import type {
  ZActivationRequestBody,
  ZAgency,
  ZAgencyRequest,
  ZCreateMemberBody,
  ZModeBody,
  ZModeResult,
  ZReactivateBody,
  ZPlan,
  ZUpdateAccountBody,
  ZAccountPlanResult,
} from '../../server/modules/agency/schema';
import type { ZPageOf } from '../../server/http/pagination';
import type { listAuditForSubtree } from '../../server/modules/audit/service';
import type { listOutbox } from '../../server/modules/notifications/service';

export type Me = z.infer<typeof ZMe>;
export type MeAccount = Me['account'];
export type SessionResult = z.infer<typeof ZSessionResult>;
export type Invitation = z.infer<typeof ZInvitation>;
export type SignupBody = z.input<typeof ZSignupBody>;
export type LoginBody = z.input<typeof ZLoginBody>;
export type ActAsBody = z.input<typeof ZActAsBody>;
export type PasswordBody = z.input<typeof ZPasswordBody>;
export type EmailBody = z.input<typeof ZEmailBody>;
export type EmailChangeResult = z.infer<typeof ZEmailChangeResult>;
export type EmailConfirmBody = z.input<typeof ZEmailConfirmBody>;
export type ResetRequestBody = z.input<typeof ZResetRequestBody>;
export type ResetBody = z.input<typeof ZResetBody>;
export type AcceptInvitationBody = z.input<typeof ZAcceptInvitationBody>;

export type Role = z.infer<typeof ZRole>;
export type Mode = z.infer<typeof ZMode>;
export type Account = z.infer<typeof ZAccount>;
export type AccountListItem = z.infer<typeof ZAccountListItem>;
export type AccountDetail = z.infer<typeof ZAccountDetail>;
export type Company = z.infer<typeof ZCompany>;
export type CompanyInput = z.input<typeof ZCompany>;
export type ListAccountsQuery = Partial<z.infer<typeof ZListAccountsQuery>>;
/** Which accounts a list shows: the open ones (default), the closed ones, or both. */
export type AccountStatus = z.infer<typeof ZListAccountsQuery>['status'];
/** Why a closed account is closed (deactivated by someone, or suspended by a mode switch), and since when. */
export type Closed = NonNullable<Account['closed']>;
export type AccountPage = z.infer<ReturnType<typeof ZPageOf<typeof ZAccountListItem>>>;
export type AccountSearchItem = z.infer<typeof ZAccountSearchItem>;
/** The activity log's filters (GET /api/audit), as the URL keeps them. */
export type AuditFilters = { personId?: string; accountId?: string; category?: string; from?: string; to?: string };

export type Agency = z.infer<typeof ZAgency>;
export type AgencyRequest = z.infer<typeof ZAgencyRequest>;
export type ActivationRequestBody = z.input<typeof ZActivationRequestBody>;
export type Plan = z.infer<typeof ZPlan>;
export type ModeBody = z.input<typeof ZModeBody>;
export type ModeResult = z.infer<typeof ZModeResult>;
export type ReactivateBody = z.input<typeof ZReactivateBody>;
export type CreateMemberBody = z.input<typeof ZCreateMemberBody>;
export type UpdateAccountBody = z.input<typeof ZUpdateAccountBody>;
/** An account after a planned change (re-home, deactivation, reactivation) with its plan. */
export type AccountPlanResult = z.infer<typeof ZAccountPlanResult>;
export type UpdateAccountResult = AccountPlanResult;
export type DeactivateResult = AccountPlanResult;
export type ReactivateResult = AccountPlanResult;

export type AuditPage = Awaited<ReturnType<typeof listAuditForSubtree>>;
export type AuditEntry = AuditPage['items'][number];
export type OutboxEmail = Awaited<ReturnType<typeof listOutbox>>['items'][number];

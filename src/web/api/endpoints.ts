import { api } from './client';
import type {
  AcceptInvitationBody,
  AccountDetail,
  AccountListItem,
  AccountPage,
  ActAsBody,
  ActivationRequestBody,
  Account,
  Agency,
  AgencyRequest,
  AccountSearchItem,
  AuditFilters,
  AuditPage,
  CreateMemberBody,
  DeactivateResult,
  EmailBody,
  EmailChangeResult,
  EmailConfirmBody,
  Invitation,
  ListAccountsQuery,
  LoginBody,
  Me,
  ModeBody,
  ModeResult,
  OutboxEmail,
  ReactivateBody,
  ReactivateResult,
  PasswordBody,
  ResetBody,
  ResetRequestBody,
  SessionResult,
  SignupBody,
  UpdateAccountBody,
  UpdateAccountResult,
} from './types';

/** One typed function per endpoint the web app uses. */
export const endpoints = {
  me: () => api.get<Me>('/api/me'),
  login: (body: LoginBody) => api.post<SessionResult>('/api/auth/login', body),
  signup: (body: SignupBody) => api.post<SessionResult>('/api/auth/signup', body),
  logout: () => api.post<void>('/api/auth/logout'),
  requestPasswordReset: (body: ResetRequestBody) => api.post<void>('/api/auth/password-reset', body),
  confirmPasswordReset: (body: ResetBody) => api.post<void>('/api/auth/password-reset/confirm', body),
  invitation: (token: string) => api.get<Invitation>(`/api/auth/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (body: AcceptInvitationBody) => api.post<SessionResult>('/api/auth/invitations/accept', body),
  changePassword: (body: PasswordBody) => api.post<void>('/api/auth/password', body),
  changeEmail: (body: EmailBody) => api.post<EmailChangeResult>('/api/auth/email', body),
  confirmEmailChange: (body: EmailConfirmBody) => api.post<{ email: string }>('/api/auth/email/confirm', body),
  actAs: (body: ActAsBody) => api.post<Me>('/api/act-as', body),
  stopActing: () => api.post<Me>('/api/act-as/stop'),

  accounts: (query: ListAccountsQuery = {}) => api.get<AccountPage>('/api/accounts', query),
  account: (id: string) => api.get<AccountDetail>(`/api/accounts/${id}`),
  createAccount: (body: CreateMemberBody) => api.post<Account>('/api/accounts', body),
  updateAccount: (id: string, body: UpdateAccountBody) => api.patch<UpdateAccountResult>(`/api/accounts/${id}`, body),
  deactivateAccount: (id: string, dryRun: boolean) => api.post<DeactivateResult>(`/api/accounts/${id}/deactivate`, { dryRun }),
  reactivateAccount: (id: string, body: ReactivateBody) => api.post<ReactivateResult>(`/api/accounts/${id}/reactivate`, body),

  agency: () => api.get<Agency>('/api/agency'),
  switchMode: (body: ModeBody) => api.put<ModeResult>('/api/agency/mode', body),
  ownAgencyRequest: () => api.get<{ request: AgencyRequest | null }>('/api/agency/activation-request'),
  requestAgencyMode: (body: ActivationRequestBody) => api.post<AgencyRequest>('/api/agency/activation-request', body),
  audit: (cursor?: string, filters: AuditFilters = {}) => api.get<AuditPage>('/api/audit', { limit: 50, cursor, ...filters }),
  /** The quick switcher: accounts in the signed-in person's reach, whoever it acts as. */
  searchReach: (q: string, limit = 10) => api.get<{ items: AccountSearchItem[] }>('/api/accounts/search', { q, limit }),

  supportRequests: (status?: 'pending' | 'approved' | 'rejected', cursor?: string) =>
    api.get<{ items: AgencyRequest[]; nextCursor: string | null }>('/api/support/agency-requests', { status, limit: 50, cursor }),
  approveRequest: (id: string) => api.post<AgencyRequest>(`/api/support/agency-requests/${id}/approve`),
  rejectRequest: (id: string, note?: string) =>
    api.post<AgencyRequest>(`/api/support/agency-requests/${id}/reject`, note ? { note } : {}),
  outbox: (status?: OutboxEmail['status'], cursor?: string) =>
    api.get<{ items: OutboxEmail[]; nextCursor: string | null }>('/api/support/outbox', { limit: 50, status, cursor }),
  retryEmail: (id: string) => api.post<{ id: string; status: 'pending' }>(`/api/support/outbox/${id}/retry`),
};

/** Every page of a list: the agency tree needs the whole subtree to build itself. */
export async function allAccounts(query: ListAccountsQuery = {}): Promise<AccountListItem[]> {
  const items: AccountListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await endpoints.accounts({ ...query, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

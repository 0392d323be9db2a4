import i18n from '../i18n';

/** An error answered by the API: `{ error: { code, message, field? } }`, message already localized. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

let csrfToken: string | null = null;

/** Every response carrying `csrfToken` (me, login, signup, act-as, stop, invitation) refreshes it. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

type ActingEndedListener = (message: string) => void | Promise<void>;
let actingEndedListener: ActingEndedListener | null = null;

/** The app registers what to do when the server says an acting-as has ended (403 acting_ended). */
export function onActingEnded(listener: ActingEndedListener) {
  actingEndedListener = listener;
}

let unauthenticatedListener: ((message: string) => void) | null = null;

/** The app registers what to do when the session is gone (401 on a page's request: expired, signed out elsewhere). */
export function onUnauthenticated(listener: (message: string) => void) {
  unauthenticatedListener = listener;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

type RequestOptions = {
  body?: unknown;
  query?: Query;
  /** extra headers, e.g. `idempotency-key` on money-moving requests */
  headers?: Record<string, string>;
  /** a body sent as is (a file's bytes) with its content type, instead of JSON */
  raw?: { body: Blob | ArrayBuffer; contentType: string };
};

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': i18n.language?.startsWith('en') ? 'en' : 'fr',
    ...options.headers,
  };
  if (options.raw) headers['content-type'] = options.raw.contentType;
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.raw ? options.raw.body : options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network_error', i18n.t('errors.network'));
  }
  if (response.status === 204) return undefined as T;
  let data: unknown = undefined;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    data = await response.json().catch(() => undefined);
  }
  if (data && typeof data === 'object' && 'csrfToken' in data && typeof data.csrfToken === 'string') {
    setCsrfToken(data.csrfToken);
  }
  if (!response.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    const error = new ApiError(
      response.status,
      err?.code ?? 'http_error',
      err?.message ?? i18n.t('errors.unexpected', { status: response.status }),
      err?.field,
    );
    if (error.status === 403 && error.code === 'acting_ended') void actingEndedListener?.(error.message);
    // Sign-in answers 401 for a wrong password, and /api/me's 401 is RequireAuth's business.
    if (error.status === 401 && !path.startsWith('/api/auth/') && path !== '/api/me') unauthenticatedListener?.(error.message);
    throw error;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body }),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, { body }),
};

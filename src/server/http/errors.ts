import type { MessageKey } from './messages.js';

export type ErrorCode =
  | 'validation_failed'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'forbidden'
  | 'forbidden_while_acting'
  | 'acting_ended'
  | 'csrf_failed'
  | 'not_found'
  | 'gone'
  | 'insufficient_funds'
  | 'idempotency_conflict'
  | 'invalid_state'
  | 'mode_conflict'
  | 'email_taken'
  | 'invalid_credentials'
  | 'rule_violation'
  | 'rate_limited'
  | 'internal_error';

/** The one error type services throw; the HTTP layer turns it into `{ error: { code, message, field? } }`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(messageKey);
  }
}

export const notFound = () => new AppError('not_found', 404, 'not_found');
export const forbidden = (key: MessageKey = 'forbidden') => new AppError('forbidden', 403, key);
export const unauthenticated = (key: MessageKey = 'unauthenticated') => new AppError('unauthenticated', 401, key);
export const ruleViolation = (key: MessageKey, params: Record<string, string | number> = {}, field?: string) =>
  new AppError('rule_violation', 422, key, params, field);
export const invalidInput = (key: MessageKey, field: string, params: Record<string, string | number> = {}) =>
  new AppError('validation_failed', 400, key, params, field);
export const invalidState = (key: MessageKey = 'invalid_state') => new AppError('invalid_state', 409, key);

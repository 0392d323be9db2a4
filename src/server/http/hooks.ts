import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Language } from '../db/types.js';
import type { Actor, Ctx } from './actor.js';
import { AppError } from './errors.js';
import { registerInputGuard, toStorableText } from './validation.js';
import { translate, translateParams, type MessageKey } from './messages.js';
import { resolveSession, type RequestMeta, type ResolvedSession, type SessionGrant } from '../modules/auth/service.js';

export const SESSION_COOKIE = 'maillon_session';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Language;
    session: ResolvedSession | null;
  }
  interface FastifyContextConfig {
    /** reachable without a session (sign-in, sign-up, health, docs) */
    public?: boolean;
    /** answers even when this request had to end an expired acting-as (GET /api/me) */
    tolerateActingEnded?: boolean;
  }
}

export function languageOf(header: string | undefined): Language {
  const first = (header ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'fr';
}

export function metaOf(request: FastifyRequest): RequestMeta {
  return {
    ip: request.ip ?? null,
    // stored with the session: what PostgreSQL text cannot hold is replaced
    userAgent: toStorableText(request.headers['user-agent']) ?? null,
    lang: request.lang,
    previousSessionId: request.session?.actor.sessionId ?? null,
  };
}

/** The Actor of a route that requires a session (the hook has already refused anonymous callers). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.session) throw new AppError('unauthenticated', 401, 'unauthenticated');
  return request.session.actor;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, grant: SessionGrant) {
  reply.setCookie(SESSION_COOKIE, grant.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    expires: grant.expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * On every /api request: the language, then the session (re-checking rights), then the refusals:
 * no session on a private route (401), an unsafe cookie request without its CSRF token (403).
 */
export function registerRequestHooks(app: FastifyInstance, ctx: Ctx) {
  app.decorateRequest('lang', 'fr');
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    request.lang = languageOf(request.headers['accept-language']);
    // The route the router matched (it decodes the path: `/%61pi/me` is `/api/me`), not the raw URL,
    // so that an encoded path cannot skip the session and CSRF checks.
    const path = request.routeOptions.url ?? request.url;
    if (!path.startsWith('/api/')) return;
    const token = request.cookies[SESSION_COOKIE];
    request.session = token ? await resolveSession(token, metaOf(request), ctx) : null;
    const config = request.routeOptions.config;
    if (!request.session) {
      if (config.public || !request.routeOptions.url || path === '/api/docs' || path.startsWith('/api/docs/')) return;
      throw new AppError('unauthenticated', 401, token ? 'session_expired' : 'unauthenticated');
    }
    if (UNSAFE.has(request.method) && !config.public) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, request.session.csrfToken)) {
        throw new AppError('csrf_failed', 403, 'csrf_failed');
      }
    }
    if (request.session.actingEnded && !config.tolerateActingEnded) {
      throw new AppError('acting_ended', 403, 'acting_ended', { name: request.session.actingEnded });
    }
  });
  registerInputGuard(app);
}

type ErrorBody = { error: { code: string; message: string; field?: string } };

function body(lang: Language, code: string, key: MessageKey, params: Record<string, string | number> = {}, field?: string): ErrorBody {
  return { error: { code, message: translate(lang, key, translateParams(lang, params)), ...(field ? { field } : {}) } };
}

const zodLocales = { fr: z.locales.fr(), en: z.locales.en() };

/** One shape for every error; validation errors name the field in the request's language; no stack trace leaves. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    const lang = request.lang ?? 'fr';
    if (error instanceof AppError) {
      for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
      return reply.status(error.status).send(body(lang, error.code, error.messageKey, error.params, error.field));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const issue = { code: first.keyword, path: field.split('.'), ...first.params } as never;
      const explained = zodLocales[lang].localeError(issue);
      const text = typeof explained === 'string' ? explained : (explained?.message ?? first.message ?? '');
      const message = first.message?.includes(' / ') ? pickLanguage(first.message, lang) : text;
      const where = field || (error.validationContext ?? 'body');
      return reply.status(400).send({
        error: { code: 'validation_failed', message: `${where}${lang === "fr" ? " :" : ":"} ${message}`, field: where },
      });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 415) {
      const type = String(request.headers['content-type'] ?? '-').split(';')[0].slice(0, 100);
      return reply.status(415).send(body(lang, 'unsupported_media_type', 'unsupported_media_type', { type }));
    }
    if (status === 413) return reply.status(413).send(body(lang, 'body_too_large', 'body_too_large'));
    if (status && status >= 400 && status < 500) {
      // Fastify's own refusals: an unreadable or unsupported body, a malformed URL.
      const code = String((error as { code?: string }).code ?? '');
      const [key, field]: [MessageKey, string | undefined] = code.startsWith('FST_ERR_CTP')
        ? ['body_invalid', 'body']
        : code === 'FST_ERR_BAD_URL'
          ? ['url_invalid', 'url']
          : ['validation_failed', undefined];
      return reply.status(400).send(body(lang, 'validation_failed', key, {}, field));
    }
    request.log.error(error);
    return reply.status(500).send(body(lang, 'internal_error', 'internal_error'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body(request.lang ?? 'fr', 'not_found', 'route_not_found'));
  });
}

/**
 * The router's own refusals, before any hook runs (Fastify's `frameworkErrors`): a malformed
 * percent-encoding in the path is a 400 on `url`; a path parameter longer than any id is an unknown id.
 */
export function answerFrameworkError(error: { code?: string }, request: FastifyRequest, reply: FastifyReply) {
  const lang = languageOf(request.headers['accept-language']);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.status(404).send(body(lang, 'not_found', 'not_found'));
  return reply.status(400).send(body(lang, 'validation_failed', 'url_invalid', {}, 'url'));
}

/** Custom zod messages are written "français / English". */
function pickLanguage(message: string, lang: Language): string {
  const parts = message.split(' / ');
  return parts.length === 2 ? parts[lang === 'fr' ? 0 : 1] : message;
}

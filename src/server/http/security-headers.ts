import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of everything the app serves. The SPA (a Vite build: module scripts
 * and stylesheets from /assets, no inline script) runs with scripts from its own origin only;
 * Mantine injects <style> elements at run time (its CSS variables, the scroll lock), so styles
 * also allow 'unsafe-inline' (style injection cannot run script). Nothing may frame the app
 * (the reset token sits in a URL), no plugin, no <base> or form target elsewhere.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** One year, subdomains included; sent only on requests that arrived over HTTPS. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The options handed to helmet: the CSP above, no HSTS (added per request, over HTTPS only). */
const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
  strictTransportSecurity: false,
};

/**
 * The headers helmet sets with HELMET_OPTIONS, computed once: they depend on nothing in the
 * request (no nonce), and @fastify/helmet rebuilt helmet's whole middleware on every request.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: () => undefined,
  };
  helmet(HELMET_OPTIONS)({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * Security headers on every answer (API, SPA, errors), helmet's computed once: the CSP above,
 * X-Frame-Options DENY, nosniff, Referrer-Policy no-referrer (a reset link must not leak its
 * token to another site), and HSTS only when the request came over HTTPS (behind a trusted
 * proxy: its X-Forwarded-Proto), so that a plain-HTTP development server never pins itself.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const headers = securityHeaders();
  const withHsts = { ...headers, 'strict-transport-security': HSTS };
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.protocol === 'https' ? withHsts : headers);
    done();
  });
}

import type { RoutesPlugin } from '../../http/types.js';
import { actorOf, clearSessionCookie, metaOf, setSessionCookie } from '../../http/hooks.js';
import {
  ZAcceptInvitationBody,
  ZActAsBody,
  ZEmailBody,
  ZEmailChangeResult,
  ZEmailConfirmBody,
  ZEmailConfirmResult,
  ZInvitation,
  ZInvitationParams,
  ZLoginBody,
  ZMe,
  ZPasswordBody,
  ZResetBody,
  ZResetRequestBody,
  ZSessionResult,
  ZSignupBody,
} from './schema.js';
import * as auth from './service.js';

const tags = ['auth'];

export const authRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.post(
    '/api/auth/signup',
    { config: { public: true }, schema: { tags, body: ZSignupBody, response: { 201: ZSessionResult } } },
    async (request, reply) => {
      const { account, grant } = await auth.signUp(request.body, metaOf(request), ctx);
      setSessionCookie(request, reply, grant);
      return reply.status(201).send({ account, csrfToken: grant.csrfToken });
    },
  );

  app.post(
    '/api/auth/login',
    { config: { public: true }, schema: { tags, body: ZLoginBody, response: { 200: ZSessionResult } } },
    async (request, reply) => {
      const { account, grant } = await auth.logIn(request.body, metaOf(request), ctx);
      setSessionCookie(request, reply, grant);
      return { account, csrfToken: grant.csrfToken };
    },
  );

  app.post('/api/auth/logout', { schema: { tags } }, async (request, reply) => {
    await auth.logOut(actorOf(request), ctx);
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.get(
    '/api/me',
    { config: { tolerateActingEnded: true }, schema: { tags, response: { 200: ZMe } } },
    async (request) => {
      const s = request.session!;
      return {
        person: s.actor.person,
        account: s.actor.account,
        actingAs: s.actor.actingAs,
        csrfToken: s.csrfToken,
        actingReason: s.actingReason,
        actingExpiresAt: s.actingExpiresAt,
        actingEnded: s.actingEnded,
      };
    },
  );

  app.post('/api/act-as', { schema: { tags, body: ZActAsBody, response: { 200: ZMe } } }, async (request, reply) => {
    const result = await auth.startActingAs(actorOf(request), request.body, metaOf(request), ctx);
    setSessionCookie(request, reply, result.grant);
    return {
      person: result.person,
      account: result.account,
      actingAs: true,
      csrfToken: result.grant.csrfToken,
      actingReason: request.body.reason ?? null,
      actingExpiresAt: result.actingExpiresAt,
    };
  });

  app.post('/api/act-as/stop', { schema: { tags, response: { 200: ZMe } } }, async (request, reply) => {
    const result = await auth.stopActingAs(actorOf(request), metaOf(request), ctx);
    setSessionCookie(request, reply, result.grant);
    return { person: result.person, account: result.account, actingAs: false, csrfToken: result.grant.csrfToken };
  });

  app.post('/api/auth/password', { schema: { tags, body: ZPasswordBody } }, async (request, reply) => {
    await auth.changePassword(actorOf(request), request.body, ctx);
    return reply.status(204).send();
  });

  // Asks for a new address: it takes effect when the link sent to it is followed (below).
  app.post('/api/auth/email', { schema: { tags, body: ZEmailBody, response: { 200: ZEmailChangeResult } } }, async (request) =>
    auth.changeEmail(actorOf(request), request.body, ctx),
  );

  app.post(
    '/api/auth/email/confirm',
    { config: { public: true }, schema: { tags, body: ZEmailConfirmBody, response: { 200: ZEmailConfirmResult } } },
    async (request) => auth.confirmEmailChange(request.body, metaOf(request), ctx),
  );

  app.post(
    '/api/auth/password-reset',
    { config: { public: true }, schema: { tags, body: ZResetRequestBody } },
    async (request, reply) => {
      await auth.requestPasswordReset(request.body, metaOf(request), ctx);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    { config: { public: true }, schema: { tags, body: ZResetBody } },
    async (request, reply) => {
      await auth.resetPassword(request.body, metaOf(request), ctx);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/invitations/:token',
    { config: { public: true }, schema: { tags, params: ZInvitationParams, response: { 200: ZInvitation } } },
    async (request) => auth.describeInvitation(request.params.token, ctx),
  );

  app.post(
    '/api/auth/invitations/accept',
    { config: { public: true }, schema: { tags, body: ZAcceptInvitationBody, response: { 200: ZSessionResult } } },
    async (request, reply) => {
      const { account, grant } = await auth.acceptInvitation(request.body, metaOf(request), ctx);
      setSessionCookie(request, reply, grant);
      return { account, csrfToken: grant.csrfToken };
    },
  );
};


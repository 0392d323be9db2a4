import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from './actor.js';

/** Every feature registers its routes as one of these, with the shared context. */
export type RoutesPlugin = FastifyPluginAsync<{ ctx: Ctx }, import('fastify').RawServerDefault, ZodTypeProvider>;

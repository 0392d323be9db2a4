import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

/**
 * What the log keeps of requests when Fastify's two lines per request are off (the default,
 * `MAILLON_LOG_REQUESTS=0`): every 5xx answer (an error line with its request id, beside the error
 * handler's stack) and every request slower than `MAILLON_SLOW_REQUEST_MS` (a warning). With
 * `MAILLON_LOG_REQUESTS=1` Fastify logs each request again, and the slow line is still added.
 */
export function registerRequestLog(app: FastifyInstance, config: Pick<Config, 'logRequests' | 'slowRequestMs'>) {
  const slowMs = config.slowRequestMs;
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    if (status >= 500 && !config.logRequests) {
      request.log.error(
        { req: { method: request.method, url: request.url }, res: { statusCode: status }, responseTime: ms },
        'request failed',
      );
    } else if (ms > slowMs) {
      request.log.warn({ req: { method: request.method, url: request.url }, res: { statusCode: status }, responseTime: ms }, 'slow request');
    }
    done();
  });
}

import type { FastifyInstance, preValidationAsyncHookHandler } from 'fastify';
import { depthExceeds } from '../core/json.ts';
import { ApiError } from './errors.ts';
import type { RequestLimitsConfig } from './http-config.ts';

/**
 * Bounds on what one request may carry besides its body size (`server.maxBodyBytes`): the request
 * line and headers are bounded by Node (`maxHeaderSize`, see buildServer), the URL and the number of
 * query parameters here, before routing work or authentication.
 */
export function registerRequestLimits(app: FastifyInstance, limits: RequestLimitsConfig): void {
  app.addHook('onRequest', async (request) => {
    const url = request.url;
    if (url.length > limits.maxUrlLength) throw new ApiError('URI_TOO_LONG', `The URL is longer than ${limits.maxUrlLength} characters.`);
    const query = url.indexOf('?');
    if (query !== -1 && countParameters(url, query + 1) > limits.maxQueryParameters) {
      throw new ApiError('VALIDATION', `The query string has more than ${limits.maxQueryParameters} parameters.`);
    }
  });
}

/**
 * A pre-validation hook refusing REST API bodies nested deeper than `maxDepth`, before zod walks them
 * (recursively). JSON.parse itself does not recurse on the stack in V8, so parsing is safe.
 */
export function jsonDepthLimit(maxDepth: number): preValidationAsyncHookHandler {
  return async (request) => {
    if (request.body !== null && typeof request.body === 'object' && depthExceeds(request.body, maxDepth)) {
      throw new ApiError('VALIDATION', `The JSON body nests deeper than ${maxDepth} levels.`);
    }
  };
}

function countParameters(url: string, from: number): number {
  let count = from < url.length ? 1 : 0;
  for (let i = url.indexOf('&', from); i !== -1; i = url.indexOf('&', i + 1)) count++;
  return count;
}

import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth-service.ts';
import type { SsoService } from '../auth/oidc/sso-service.ts';
import type { InputLimits } from '../core/limits.ts';
import { registerHttpIntake } from '../intake/http/index.ts';
import type { VigilMetrics } from '../ops/metrics.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { SourceStatsTracker } from '../pipeline/source-stats.ts';
import type { EventStore } from '../store/event-store.ts';
import type { StateStore } from '../store/state-store.ts';
import { registerAccessControl } from './access.ts';
import type { RateLimitsConfig, RequestLimitsConfig } from './http-config.ts';
import { registerRateLimits } from './rate-limits.ts';
import { jsonDepthLimit, registerRequestLimits } from './request-limits.ts';
import type { HttpsServerOptions } from './tls.ts';
import { registerAuditHook } from './audit-hook.ts';
import { API_ERRORS, ApiError, errorBody } from './errors.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { ssoRoutes } from './routes/sso-routes.ts';
import { eventRoutes } from './routes/event-routes.ts';
import { searchRoutes, type SearchLimits } from './routes/search-routes.ts';
import { searchExportRoutes } from './routes/search-export-routes.ts';
import { savedSearchRoutes } from './routes/saved-search-routes.ts';
import { incidentRoutes } from './routes/incident-routes.ts';
import { mfaRoutes } from './routes/mfa-routes.ts';
import { opsRoutes } from './routes/ops-routes.ts';
import { sourceRoutes } from './routes/source-routes.ts';
import { userRoutes } from './routes/user-routes.ts';
import { ruleRoutes } from './routes/rule-routes.ts';
import { detectionRoutes } from './routes/detection-routes.ts';

export interface ApiDeps {
  log: Logger;
  auth: AuthService;
  state: StateStore;
  events: EventStore;
  pipeline: Pipeline;
  stats: SourceStatsTracker;
  metrics: VigilMetrics;
  limits: InputLimits;
  maxBodyBytes: number;
  /** HTTPS when set (`server.tls`): cookies get `Secure`, responses carry HSTS. */
  tls?: HttpsServerOptions;
  rateLimits: RateLimitsConfig;
  requestLimits: RequestLimitsConfig;
  sessionMaxMs: number;
  /** Time and row limits of searches (`search.*`). */
  search: SearchLimits;
  /** Single sign-on with OpenID Connect (configured providers; none is fine). */
  sso: SsoService;
  version: string;
  startedAt: number;
  /** Folder of the built web console; when absent the API still runs and `/` explains how to build it. */
  webRoot?: string;
}

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Builds the HTTP server (web console, REST API, HTTP intake) without listening, so tests can use
 * `inject` or listen on port 0 themselves.
 */
export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.maxBodyBytes,
    trustProxy: false,
    // Intake handles thousands of requests a second; per-request info logs would drown everything else.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Node answers 431 to a request line plus headers larger than this, before Fastify sees it.
    serverFactory: (handler) => {
      const maxHeaderSize = deps.requestLimits.maxHeaderBytes;
      return deps.tls ? createHttpsServer({ ...deps.tls, maxHeaderSize }, handler) as unknown as Server : createHttpServer({ maxHeaderSize }, handler);
    },
  });
  const secureCookies = deps.tls !== undefined;
  const headers = secureCookies ? { ...SECURITY_HEADERS, 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : SECURITY_HEADERS;

  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  });
  registerRequestLimits(app, deps.requestLimits);

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return reply.code(API_ERRORS[error.code].status).send(errorBody(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const details = error.validation.map((v) => `${where}${v.instancePath.replace(/\//g, '.')}: ${v.message}`);
      return reply.code(400).send(errorBody('VALIDATION', details.join('; ')));
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 413) return reply.code(413).send(errorBody('PAYLOAD_TOO_LARGE', `request body exceeds ${deps.maxBodyBytes} bytes`));
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('VALIDATION', (error as Error).message));
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL', API_ERRORS.INTERNAL.text));
  });

  await app.register(fastifyCookie);
  const access = registerAccessControl(app, deps.auth);
  const rateLimits = await registerRateLimits(app, deps.rateLimits);
  // Before the routes: hooks apply to the plugins registered after them.
  registerAuditHook(app, { audit: deps.state.audit, metrics: deps.metrics });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Vigil API', version: deps.version, description: 'One API for the web console, the CLI and integrations.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'vigil_session', description: 'Console session; state-changing requests also need the x-vigil-csrf header' },
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (vgt_...), see docs/access-control.md' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  // Zod validation for the API's own routes; intake routes are encapsulated with their own parsers.
  await app.register(async (api) => {
    api.setValidatorCompiler(validatorCompiler);
    api.setSerializerCompiler(serializerCompiler);
    api.addHook('preValidation', jsonDepthLimit(deps.requestLimits.maxJsonDepth));
    await api.register(opsRoutes, { pipeline: deps.pipeline, events: deps.events, metrics: deps.metrics, version: deps.version, startedAt: deps.startedAt });
    await api.register(authRoutes, { auth: deps.auth, sessionMaxMs: deps.sessionMaxMs, secureCookies });
    await api.register(mfaRoutes, { auth: deps.auth, sessionMaxMs: deps.sessionMaxMs, secureCookies });
    await api.register(ssoRoutes, { sso: deps.sso, sessionMaxMs: deps.sessionMaxMs, secureCookies });
    await api.register(sourceRoutes, { auth: deps.auth, state: deps.state, stats: deps.stats });
    await api.register(eventRoutes, { events: deps.events });
    await api.register(searchRoutes, { events: deps.events, limits: deps.search });
    await api.register(searchExportRoutes, { events: deps.events, limits: deps.search });
    await api.register(savedSearchRoutes, { state: deps.state });
    await api.register(auditRoutes, { audit: deps.state.audit });
    await api.register(userRoutes, { auth: deps.auth, state: deps.state });
    await api.register(incidentRoutes, { state: deps.state });
    await api.register(ruleRoutes, { state: deps.state, events: deps.events, limits: deps.limits, search: deps.search });
    await api.register(detectionRoutes, { detections: deps.state.detections });
    api.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  });

  // Intake protocols authenticate with per-source tokens of their own (src/intake/http).
  await access.registerWith('intake', () => registerHttpIntake(app, {
    sink: deps.pipeline, auth: deps.auth,
    limits: { ...deps.limits, maxBodyBytes: deps.maxBodyBytes, maxDecodedBytes: deps.maxBodyBytes * 4 },
  }));

  const webRoot = deps.webRoot ?? DEFAULT_WEB_ROOT;
  if (existsSync(webRoot)) {
    // Hashed assets never change: cache them for a year. index.html must be revalidated, or a browser
    // keeps asking for the previous release's asset names after an upgrade.
    await access.registerWith('public', () => app.register(fastifyStatic, {
      root: webRoot, wildcard: false, index: 'index.html', cacheControl: false,
      setHeaders: (reply, path) => {
        reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }));
  }
  app.setNotFoundHandler({ preHandler: rateLimits.notFound }, (request, reply) => {
    const path = request.url.split('?')[0]!;
    const isApi = path.startsWith('/api/') || path.startsWith('/services/') || path.startsWith('/elastic') || path.startsWith('/v1/');
    // Console routes (/sources, /events?...) get the app; a missing asset is a 404, never HTML in place of a script.
    if (request.method === 'GET' && !isApi && !path.startsWith('/assets/')) {
      if (existsSync(webRoot)) return reply.header('cache-control', 'no-cache').sendFile('index.html', webRoot);
      return reply.code(404).type('text/plain').send('The web console is not built: run `npm run build:web` (npm start does it for you).');
    }
    return reply.code(404).send(errorBody('NOT_FOUND', `no route for ${request.method} ${path}`));
  });

  return app;
}

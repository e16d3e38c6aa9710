import type { FastifyInstance } from 'fastify';

/** The Elasticsearch version Vigil claims; shippers refuse servers older than themselves, so match yours. */
export const DEFAULT_ELASTIC_VERSION = '8.17.0';

const CLUSTER_UUID = 'dmlnaWwtZWxhc3RpYy1hcGk';
const LICENSE_UID = '5e7a1c2b-8d4f-4a6e-9b3c-1f2e3d4c5b6a';

/**
 * Answers the requests shippers make before they send (version discovery, license, templates, ILM
 * policies, pipelines, aliases, index existence) with harmless success: Vigil has no indices or
 * templates, it accepts whatever the shipper writes. Each answer has the shape the real API returns,
 * so clients that parse it do not fail.
 */
export function registerElasticProbes(app: FastifyInstance, version: string): void {
  const info = {
    name: 'vigil',
    cluster_name: 'vigil',
    cluster_uuid: CLUSTER_UUID,
    version: {
      number: version,
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: '0000000000000000000000000000000000000000',
      build_date: '2024-12-11T12:08:05.663969764Z',
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
  const license = {
    status: 'active', uid: LICENSE_UID, type: 'basic', issue_date: '2024-01-01T00:00:00.000Z',
    issue_date_in_millis: 1_704_067_200_000, max_nodes: 1000, max_resource_units: null, issued_to: 'vigil',
    issuer: 'elasticsearch', start_date_in_millis: -1,
  };
  const acknowledged = { acknowledged: true };

  app.get('/', async () => info);
  app.get('/_license', async () => ({ license }));
  app.get('/_xpack', async () => ({
    build: { hash: info.version.build_hash, date: info.version.build_date },
    license: { uid: LICENSE_UID, type: 'basic', mode: 'basic', status: 'active' },
    features: Object.fromEntries(['ilm', 'monitoring', 'security', 'data_streams'].map((f) => [f, { available: true, enabled: true }])),
    tagline: 'You know, for X',
  }));
  app.get('/_cluster/health', async () => ({
    cluster_name: 'vigil', status: 'green', timed_out: false, number_of_nodes: 1, number_of_data_nodes: 1,
    active_primary_shards: 0, active_shards: 0, relocating_shards: 0, initializing_shards: 0, unassigned_shards: 0,
    delayed_unassigned_shards: 0, number_of_pending_tasks: 0, number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0, active_shards_percent_as_number: 100,
  }));

  type Named = { Params: { name: string } };
  app.get<Named>('/_index_template/:name', async (req) => ({
    index_templates: [{ name: req.params.name, index_template: { index_patterns: [`${req.params.name}*`], composed_of: [], template: {} } }],
  }));
  app.get<Named>('/_template/:name', async (req) => ({
    [req.params.name]: { order: 0, index_patterns: [`${req.params.name}*`], settings: {}, mappings: {}, aliases: {} },
  }));
  app.get<Named>('/_component_template/:name', async (req) => ({
    component_templates: [{ name: req.params.name, component_template: { template: {} } }],
  }));
  app.get<Named>('/_ilm/policy/:name', async (req) => ({
    [req.params.name]: { version: 1, modified_date: '2024-01-01T00:00:00.000Z', policy: { phases: {} } },
  }));
  app.get('/_ilm/policy', async () => ({}));
  app.get<Named>('/_ingest/pipeline/:name', async (req) => ({ [req.params.name]: { description: 'accepted by Vigil', processors: [] } }));
  app.get<Named>('/_data_stream/:name', async (req) => ({
    data_streams: [{ name: req.params.name, timestamp_field: { name: '@timestamp' }, indices: [], generation: 1, status: 'GREEN' }],
  }));
  for (const path of ['/_index_template/:name', '/_template/:name', '/_component_template/:name', '/_ilm/policy/:name',
    '/_ingest/pipeline/:name', '/_data_stream/:name']) {
    app.route({ method: ['PUT', 'POST'], url: path, handler: async () => acknowledged });
  }
  app.get<Named>('/_alias/:name', async () => ({}));
  app.get<{ Params: { index: string } }>('/:index/_alias/:name', async () => ({}));
  app.get<{ Params: { index: string } }>('/:index', async (req, reply) => {
    // Index names never start with "_": such paths are APIs Vigil lacks (_nodes, _cat, ...), not indices.
    if (req.params.index.startsWith('_')) return reply.callNotFound();
    return { [req.params.index]: { aliases: {}, mappings: {}, settings: { index: { number_of_shards: '1', number_of_replicas: '0' } } } };
  });
  app.put<{ Params: { index: string } }>('/:index', async (req) => ({ ...acknowledged, shards_acknowledged: true, index: req.params.index }));
  app.put<{ Params: { index: string; name: string } }>('/:index/_alias/:name', async () => acknowledged);
}

/**
 * The files in deploy/ parse, carry what operators rely on, and alert only on metrics (and labels)
 * the daemon really exposes, checked against a scrape of a Metrics instance over a real database.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Db } from '../../src/db/client.js';
import { Metrics } from '../../src/ops/metrics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { parseScrape, families } from './support.js';

const root = new URL('../../deploy/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Every YAML document of a file, failing on any parse error or warning. */
function documents(path: string): unknown[] {
  return parseAllDocuments(read(path)).map((doc) => {
    expect(doc.errors, `${path}: ${doc.errors.map((e) => e.message).join('; ')}`).toEqual([]);
    expect(doc.warnings, path).toEqual([]);
    return doc.toJS() as unknown;
  }).filter((d) => d !== null);
}

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const rules = (): Rule[] => {
  const [file] = documents('prometheus/alerts.yml') as Array<{ groups: Array<{ name: string; rules: Rule[] }> }>;
  expect(file?.groups.length).toBeGreaterThan(0);
  return file!.groups.flatMap((g) => g.rules);
};

describe('Prometheus alert rules', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    db = await database.open();
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('parse, and each has an expression, a duration, a severity and words for the operator', () => {
    const all = rules();
    expect(all.map((r) => r.alert).sort()).toEqual(
      ['EpcSyncDatabaseDown', 'EpcSyncDocumentsOverdue', 'EpcSyncLagging', 'EpcSyncNoSuccessIn26h', 'EpcSyncRateLimitedOften', 'EpcSyncRejectingRows', 'EpcSyncRunFailed'].sort(),
    );
    for (const rule of all) {
      expect(rule.expr.trim(), rule.alert).not.toBe('');
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['info', 'warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
      // Cheap PromQL sanity: brackets balance.
      for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']] as const) {
        expect(rule.expr.split(open).length, `${rule.alert} ${open}${close}`).toBe(rule.expr.split(close).length);
      }
    }
  });

  it('use only metric names and label names that a scrape exposes', async () => {
    // Populate every family: one of each call, and a checkpoint day and a finished run in the database.
    const metrics = new Metrics(db, ['domestic']);
    metrics.apiRequest({ endpoint: 'search', status: 429, durationMs: 5, outcome: 'retry', reason: 'HTTP 429', failure: 'rate_limited' });
    metrics.apiRequest({ endpoint: 'search', status: 500, durationMs: 5, outcome: 'fail', reason: 'HTTP 500', failure: 'server_error' });
    metrics.rowsUpserted(1);
    metrics.documentsUpserted(1);
    metrics.rejects(1);
    metrics.queueDepth('store', 1);
    metrics.runStarted('sync');
    metrics.runFinished({ kind: 'sync', outcome: 'succeeded', durationMs: 1 });
    await db.query(`INSERT INTO sync_checkpoint (register, day, status) VALUES ('domestic', '2026-01-01', 'done')`);
    await db.query(`INSERT INTO sync_runs (register, kind, outcome, finished_at) VALUES ('domestic', 'sync', 'succeeded', now())`);
    const text = await metrics.text();
    const exposed = families(text);
    const labelsOf = new Map<string, Set<string>>();
    for (const s of parseScrape(text)) {
      const set = labelsOf.get(s.name) ?? new Set<string>();
      for (const l of Object.keys(s.labels)) set.add(l);
      labelsOf.set(s.name, set);
    }

    const used = new Set<string>();
    for (const rule of rules()) {
      // Each `name{matchers}` in the expression: the name must be exposed, each matcher a label it has.
      for (const m of rule.expr.matchAll(/\b(epc_sync_[a-z0-9_]+)(\{([^}]*)\})?/g)) {
        const name = m[1]!;
        used.add(name);
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect(exposed.has(name) || exposed.get(base) === 'histogram', `${rule.alert}: ${name} is not exposed`).toBe(true);
        for (const matcher of (m[3] ?? '').matchAll(/([a-zA-Z_]+)\s*(=~|!~|!=|=)/g)) {
          expect(labelsOf.get(name), `${rule.alert}: ${name} has no samples`).toBeDefined();
          expect([...labelsOf.get(name)!], `${rule.alert}: ${name} has no label ${matcher[1]}`).toContain(matcher[1]);
        }
      }
    }
    expect(used.size).toBeGreaterThanOrEqual(6);
  });

  it('alert on lag at the same threshold the ConfigMap gives the webhook', () => {
    const lagging = rules().find((r) => r.alert === 'EpcSyncLagging')!;
    const [config] = (documents('kubernetes/configmap.yaml') as Array<{ data: Record<string, string> }>);
    expect(lagging.expr).toMatch(new RegExp(`> ${config!.data.LAG_ALERT_DAYS}$`));
  });
});

/** The manifests are free-form YAML; the tests walk them by path and let expect() judge the shapes. */
type Loose = any;

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Loose;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

describe('Kubernetes manifests', () => {
  const files = readdirSync(new URL('kubernetes/', root)).filter((f) => /\.ya?ml$/.test(f));
  const manifests = files.flatMap((f) => documents(`kubernetes/${f}`) as Manifest[]);
  const one = (kind: string) => {
    const found = manifests.filter((m) => m.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };
  const secrets = manifests.filter((m) => m.kind === 'Secret');
  const configMap = one('ConfigMap');

  /** Every secretKeyRef and configMapRef of a container points at an object (and key) defined here. */
  const expectWired = (container: Loose, required: Record<string, string>) => {
    const env = new Map<string, Loose>(container.env.map((e: { name: string }) => [e.name, e]));
    for (const [name, secret] of Object.entries(required)) {
      expect(env.get(name)?.valueFrom?.secretKeyRef, name).toMatchObject({ name: secret, key: name });
      const defined = secrets.find((s) => s.metadata.name === secret);
      expect(defined?.stringData, `Secret ${secret}`).toHaveProperty(name);
    }
    expect(container.envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
  };
  const expectHardened = (pod: Loose) => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
      const volumes = new Set(pod.volumes.map((v: { name: string }) => v.name));
      for (const mount of c.volumeMounts ?? []) expect(volumes, mount.name).toContain(mount.name);
    }
  };

  it('parse, each a namespace-free object with a kind and a name', () => {
    expect(files.sort()).toEqual(['backfill-job.yaml', 'configmap.yaml', 'deployment.yaml', 'secret.yaml', 'service.yaml']);
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Job', 'Secret', 'Secret', 'Service']);
    for (const m of manifests) {
      expect(m.apiVersion, m.kind).toMatch(/^(v1|apps\/v1|batch\/v1)$/);
      expect(m.metadata.name, m.kind).toMatch(/^[a-z0-9-]+$/);
      expect(m.metadata.namespace, m.kind).toBeUndefined();
    }
  });

  it('the Deployment runs one non-root daemon with /healthz probes on 9464 and its secrets wired', () => {
    const deployment = one('Deployment');
    expect(deployment.spec.replicas).toBe(1);
    const pod = deployment.spec.template.spec;
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe('epc-sync:latest');
    expect(c.command).toEqual(['npm', 'start']);
    expect(c.ports).toContainEqual(expect.objectContaining({ name: 'metrics', containerPort: 9464 }));
    for (const probe of ['livenessProbe', 'readinessProbe']) expect(c[probe].httpGet, probe).toEqual({ path: '/healthz', port: 9464 });
    expectHardened(pod);
    expectWired(c, { EPC_API_TOKEN: 'epc-sync-token', DATABASE_URL: 'epc-sync-database' });
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
  });

  it('the Secrets hold placeholders only, and the ConfigMap only settings the loader knows', () => {
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(['epc-sync-database', 'epc-sync-token']);
    for (const s of secrets) for (const value of Object.values(s.stringData ?? {})) expect(value).toMatch(/REPLACE-ME/);
    const known = Object.keys(JSON.parse(readFileSync(new URL('../../config/defaults.json', import.meta.url), 'utf8')) as object);
    for (const key of Object.keys(configMap.data ?? {})) expect(known, key).toContain(key);
    expect(configMap.data?.METRICS_PORT).toBe('9464');
  });

  it('the Service exposes the daemon’s metrics port, and only the daemon’s', () => {
    const service = one('Service');
    expect(service.spec.ports).toContainEqual(expect.objectContaining({ port: 9464, targetPort: 'metrics' }));
    const matches = (labels: Record<string, string>) => Object.entries(service.spec.selector as Record<string, string>).every(([k, v]) => labels[k] === v);
    expect(matches(one('Deployment').spec.template.metadata.labels)).toBe(true);
    expect(matches(one('Job').spec.template.metadata.labels)).toBe(false);
  });

  it('the Job runs one backfill of BACKFILL_FROM..BACKFILL_TO, retried on failure', () => {
    const job = one('Job');
    expect(job.spec.backoffLimit).toEqual(expect.any(Number));
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('OnFailure');
    const c = pod.containers[0];
    const env = Object.fromEntries(c.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env.BACKFILL_FROM).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(env.BACKFILL_TO).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(env.BACKFILL_FROM <= env.BACKFILL_TO).toBe(true);
    expect(c.command).toEqual(['npm', 'start']);
    expectHardened(pod);
    expectWired(c, { EPC_API_TOKEN: 'epc-sync-token', DATABASE_URL: 'epc-sync-database' });
  });
});

describe('docker-compose.yml', () => {
  interface Service {
    build?: string;
    image?: string;
    ports?: string[];
    env_file?: string;
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    init?: boolean;
    stop_grace_period?: string;
  }
  const compose = () => {
    const [file] = parseAllDocuments(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as { services: Record<string, Service> };
    });
    return file!.services;
  };

  it('runs the daemon against a healthy PostgreSQL, publishes /metrics and checks /healthz', () => {
    const { db, 'epc-sync': daemon } = compose();
    expect(db!.healthcheck!.test.join(' ')).toMatch(/pg_isready/);
    expect(daemon!.build).toBe('.');
    expect(daemon!.env_file).toBe('.env');
    expect(daemon!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@db:5432\//);
    expect(daemon!.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(daemon!.ports).toContain('9464:9464');
    expect(daemon!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:9464/healthz');
    // Signals reach the daemon, and it has time to release the day in flight.
    expect(daemon!.init).toBe(true);
    expect(daemon!.stop_grace_period).toMatch(/^\d+s$/);
  });
});

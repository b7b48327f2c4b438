/** The deployment files parse, carry what operators rely on, and alert only on metrics we expose. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Metrics } from '../../src/ops/metrics.js';

const read = (path: string) => readFileSync(new URL(`../../deploy/${path}`, import.meta.url), 'utf8');

interface Rule { alert: string; expr: string; for: string; labels: { severity: string }; annotations: { summary: string; description: string } }

describe('deployment files', () => {
  it('alert rules parse, each with an expression, a duration, a severity and words for the operator', async () => {
    const rules = (parse(read('prometheus/alerts.yml')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert).sort()).toEqual(
      ['EpcSyncDatabaseDown', 'EpcSyncLagging', 'EpcSyncNoSuccessIn26h', 'EpcSyncRateLimitedOften', 'EpcSyncRejectingRows', 'EpcSyncRunFailed'].sort(),
    );
    for (const rule of rules) {
      expect(rule.expr).toBeTruthy();
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['info', 'warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary && rule.annotations.description).toBeTruthy();
    }
    // Every metric an alert reads is one the daemon actually exposes.
    const metrics = new Metrics(null, 'domestic');
    metrics.apiRequest({ endpoint: 'search', status: 429, durationMs: 5, outcome: 'retry', reason: 'HTTP 429' });
    metrics.rejects(1);
    const exposed = new Set([...(await metrics.text()).matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!));
    const used = rules.flatMap((r) => [...r.expr.matchAll(/\b(epc_sync_[a-z_]+)/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) expect(exposed, name).toContain(name);
  });

  it('the Kubernetes manifests parse and wire the daemon, its probes, its secret and a backfill job', () => {
    const docs = readdirSync(new URL('../../deploy/kubernetes/', import.meta.url)).flatMap((f) =>
      parseAllDocuments(read(`kubernetes/${f}`)).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: any; stringData?: Record<string, string> }),
    );
    const byKind = new Map(docs.map((d) => [d.kind, d]));
    expect([...byKind.keys()].sort()).toEqual(['ConfigMap', 'Deployment', 'Job', 'Secret', 'Service']);

    const pod = byKind.get('Deployment')!.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    for (const probe of [container.livenessProbe, container.readinessProbe]) expect(probe.httpGet).toEqual({ path: '/healthz', port: 9464 });
    expect(container.envFrom).toContainEqual({ secretRef: { name: 'epc-sync-token' } });
    expect(Object.keys(byKind.get('Secret')!.stringData!)).toContain('EPC_API_TOKEN');

    const job = byKind.get('Job')!.spec.template.spec;
    expect(job.restartPolicy).toBe('OnFailure');
    expect(job.containers[0].env.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['BACKFILL_FROM', 'BACKFILL_TO']));
  });
});

import { databaseUrlVariable } from '@topo/runtime/contract';
import { createHash } from 'node:crypto';
import { healthCommand } from './dockerfile';
import { toYaml } from './yaml';

/** One container of the app as compose and Kubernetes run it. */
export interface DeployedProcess {
  /** DNS-safe name: `hello`, `identity-billing`, `gateway`. */
  name: string;
  /** The services it hosts; empty for the gateway. */
  services: string[];
  image: string;
  /** Build context, relative to the folder of docker-compose.yml. */
  context: string;
  port: number;
  gateway: boolean;
  /** Faces clients: the gateway, or the one process of a topology with a single group. */
  edge: boolean;
  /** The databases its services own or use by name. */
  databases: string[];
  /** Those its services own: it applies their migrations before it listens. Default: none. */
  owns?: string[];
}

export interface DeployLayout {
  app: string;
  topology: string;
  /** The base image compose builds the images from (its `BASE_IMAGE` build argument). */
  baseImage?: string;
  processes: DeployedProcess[];
}

/** The env file compose reads the database credentials and connection strings from, beside docker-compose.yml. */
export const DATABASES_ENV_FILE = 'databases.env';

/** The app's databases, each once, in name order. */
export function layoutDatabases(layout: DeployLayout): string[] {
  return [...new Set(layout.processes.flatMap((p) => p.databases))].sort();
}

/**
 * `databases.env.example`: what compose needs in `databases.env` (which is never generated,
 * so that no credential is written by the build): the Postgres superuser the `postgres`
 * service starts with, and each database's connection string for the processes.
 */
export function renderDatabasesEnvExample(layout: DeployLayout): string {
  return [
    `# Copy to ${DATABASES_ENV_FILE} and choose a password; docker compose reads it, and it stays out of version control.`,
    'POSTGRES_USER=topo',
    'POSTGRES_PASSWORD=change-me',
    ...layoutDatabases(layout).map((name) => `${databaseUrlVariable(name)}=postgres://topo:change-me@postgres:5432/${name}`),
    '',
  ].join('\n');
}

/** The SQL the `postgres` service runs on its first start: one database per name (Postgres makes only one itself). */
export function renderDatabasesInit(layout: DeployLayout): string {
  return `${layoutDatabases(layout).map((name) => `CREATE DATABASE "${name}";`).join('\n')}\n`;
}

/** The pause before SIGTERM reaches a pod's process (its preStop hook). */
export const PRE_STOP_SECONDS = 5;

/**
 * How long Kubernetes waits from the start of preStop until it kills the pod: the pause, the
 * runtime's shutdown (TOPO_SHUTDOWN_TIMEOUT_MS, 10 s by default), and room to spare.
 */
export const TERMINATION_GRACE_SECONDS = 30;

const SECRET_NOTE = 'set TOPO_SECRET to a long random string shared by the app processes';

/** Service discovery: each service's base URL, by the host name `host` gives its process. */
export function discovery(layout: DeployLayout, host: (process: DeployedProcess) => string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const process of layout.processes) for (const service of process.services) urls[service] = `http://${host(process)}:${process.port}`;
  return urls;
}

/**
 * `docker-compose.yml`: one service per process and the gateway, service discovery and the
 * internal-call secret in the environment (the secret from the shell: `TOPO_SECRET=...
 * docker compose up`), health checks, the gateway's port published, and the gateway
 * started once the processes are healthy.
 */
export function renderCompose(layout: DeployLayout): string {
  const urls = JSON.stringify(discovery(layout, (p) => p.name));
  const services: Record<string, unknown> = {};
  const processes = layout.processes.filter((p) => !p.gateway);
  const databases = layoutDatabases(layout);
  for (const process of layout.processes) {
    // A process that uses a database by name starts once the process that owns it is healthy:
    // it listens, and so answers its health check, only after applying the migrations.
    const owners = process.databases
      .map((database) => processes.find((p) => p !== process && p.owns?.includes(database))?.name)
      .filter((name): name is string => name !== undefined);
    const dependsOn = process.gateway
      ? Object.fromEntries(processes.map((p) => [p.name, { condition: 'service_healthy' }]))
      : process.databases.length
        ? Object.fromEntries(['postgres', ...new Set(owners)].map((name) => [name, { condition: 'service_healthy' }]))
        : undefined;
    services[process.name] = {
      image: process.image,
      build: { context: process.context, ...(layout.baseImage ? { args: { BASE_IMAGE: layout.baseImage } } : {}) },
      environment: {
        PORT: String(process.port),
        TOPO_DISCOVERY: urls,
        ...(process.gateway ? {} : { TOPO_SECRET: `\${TOPO_SECRET:?${SECRET_NOTE}}` }),
      },
      // The connection strings, with their credentials, come from the env file, never from this one.
      ...(process.databases.length ? { env_file: [DATABASES_ENV_FILE] } : {}),
      ...(process.edge ? { ports: [`${process.port}:${process.port}`] } : {}),
      ...(dependsOn ? { depends_on: dependsOn } : {}),
      healthcheck: { test: ['CMD', ...healthCommand()], interval: '10s', timeout: '3s', retries: 3, start_period: '5s' },
      // No capability, no privilege to gain, nothing to write but /tmp.
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      read_only: true,
      tmpfs: ['/tmp'],
      restart: 'unless-stopped',
      stop_grace_period: '15s',
    };
  }
  if (databases.length) {
    // One Postgres for the app's databases: its data in a named volume, its superuser from
    // the env file, each database made on the first start by databases-init.sql.
    services.postgres = {
      image: 'postgres:16',
      env_file: [DATABASES_ENV_FILE],
      volumes: ['postgres-data:/var/lib/postgresql/data', './databases-init.sql:/docker-entrypoint-initdb.d/topo-databases.sql:ro'],
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -U "$$POSTGRES_USER" -d postgres'], interval: '5s', timeout: '3s', retries: 10, start_period: '10s' },
      restart: 'unless-stopped',
    };
  }
  const run = databases.length ? `cp ${DATABASES_ENV_FILE}.example ${DATABASES_ENV_FILE} (and edit it), then TOPO_SECRET=... docker compose up` : 'TOPO_SECRET=... docker compose up';
  return `# Generated by @topo/nx: app ${layout.app}, topology ${layout.topology}. Run: ${run}\n${toYaml({
    name: layout.app,
    services,
    ...(databases.length ? { volumes: { 'postgres-data': {} } } : {}),
  })}`;
}

/**
 * Kubernetes manifests, one object per file plus `kustomization.yaml`: a Deployment and a
 * Service per process and for the gateway, a ConfigMap with service discovery, and a
 * reference to a Secret `<app>-internal` (key `secret`) holding the internal-call key,
 * which the cluster's operator creates, and for a process that uses databases, references
 * to the Secret `<app>-databases` (one key per database, its connection string). Readiness and liveness probes on the health
 * endpoint, resource requests, a non-root user, a preStop pause before SIGTERM. The
 * ConfigMap's name carries a hash of its data.
 */
export function renderKubernetes(layout: DeployLayout): Map<string, string> {
  const files = new Map<string, string>();
  const resource = (name: string) => `${layout.app}-${name}`;
  const labels = (process: DeployedProcess) => ({ 'app.kubernetes.io/name': resource(process.name), 'app.kubernetes.io/part-of': layout.app });
  const data = { TOPO_DISCOVERY: JSON.stringify(discovery(layout, (p) => resource(p.name))) };
  // Named by a hash of its data, as kustomize's configMapGenerator does: a change is a new
  // ConfigMap that the Deployments name, so their pods roll instead of keeping the old values.
  const configMap = `${layout.app}-discovery-${createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 10)}`;
  const secret = `${layout.app}-internal`;
  files.set('configmap.yaml', toYaml({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMap, labels: { 'app.kubernetes.io/part-of': layout.app } },
    data,
  }));
  for (const process of layout.processes) {
    const probe = { httpGet: { path: '/__topo/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3 };
    const env = [
      { name: 'PORT', value: String(process.port) },
      { name: 'TOPO_DISCOVERY', valueFrom: { configMapKeyRef: { name: configMap, key: 'TOPO_DISCOVERY' } } },
      ...(process.gateway ? [] : [{ name: 'TOPO_SECRET', valueFrom: { secretKeyRef: { name: secret, key: 'secret' } } }]),
      // Each connection string from the Secret `<app>-databases`, key = the database's name.
      ...process.databases.map((database) => ({
        name: databaseUrlVariable(database),
        valueFrom: { secretKeyRef: { name: `${layout.app}-databases`, key: database } },
      })),
    ];
    files.set(`${process.name}-deployment.yaml`, toYaml({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: resource(process.name), labels: labels(process) },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels(process) },
        template: {
          metadata: { labels: labels(process) },
          spec: {
            // The "restricted" Pod Security Standard: a non-root user, no privilege escalation,
            // no capability, the runtime's default seccomp profile; and a read-only root
            // filesystem, with /tmp the one place to write.
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
            volumes: [{ name: 'tmp', emptyDir: {} }],
            containers: [
              {
                name: process.name,
                image: process.image,
                ports: [{ name: 'http', containerPort: process.port }],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                env,
                readinessProbe: { ...probe, initialDelaySeconds: 1 },
                livenessProbe: { ...probe, initialDelaySeconds: 10, failureThreshold: 3 },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                // Kubernetes removes a stopping pod from its Service's endpoints while it sends
                // SIGTERM: the pause keeps it serving until the other pods and the proxies have
                // stopped sending to it. The images are node alone (no sleep binary).
                lifecycle: { preStop: { exec: { command: ['node', '-e', `setTimeout(() => {}, ${PRE_STOP_SECONDS * 1000})`] } } },
              },
            ],
          },
        },
      },
    }));
    // Only the app's own processes (the gateway among them) reach a process that faces no client.
    if (!process.edge) {
      files.set(`${process.name}-networkpolicy.yaml`, toYaml({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: resource(process.name), labels: labels(process) },
        spec: {
          podSelector: { matchLabels: labels(process) },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': layout.app } } }], ports: [{ protocol: 'TCP', port: process.port }] }],
        },
      }));
    }
    files.set(`${process.name}-service.yaml`, toYaml({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: resource(process.name), labels: labels(process) },
      spec: { selector: labels(process), ports: [{ name: 'http', port: process.port, targetPort: 'http' }] },
    }));
  }
  files.set('kustomization.yaml', toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files.keys()],
  }));
  return files;
}

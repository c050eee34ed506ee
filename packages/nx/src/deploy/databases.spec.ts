import { parse } from 'yaml';
import { type DeployLayout, renderCompose, renderDatabasesEnvExample, renderDatabasesInit, renderKubernetes } from './deploy-files';
import { renderDockerfile } from './dockerfile';

/** An app of three processes behind the gateway: orders owns `orders`, billing uses it by name and owns `ledger`. */
const LAYOUT: DeployLayout = {
  app: 'shop',
  topology: 'micro',
  processes: [
    { name: 'orders', services: ['orders'], image: 'shop-orders:latest', context: 'orders', port: 4001, gateway: false, edge: false, databases: ['orders'], owns: ['orders'] },
    { name: 'billing', services: ['billing'], image: 'shop-billing:latest', context: 'billing', port: 4002, gateway: false, edge: false, databases: ['ledger', 'orders'], owns: ['ledger'] },
    { name: 'greeter', services: ['greeter'], image: 'shop-greeter:latest', context: 'greeter', port: 4003, gateway: false, edge: false, databases: [] },
    { name: 'gateway', services: [], image: 'shop-gateway:latest', context: 'gateway', port: 4000, gateway: true, edge: true, databases: [] },
  ],
};

describe('deploy files of an app with databases', () => {
  it('compose runs one Postgres with a health check and a named volume, its credentials and the connection strings from an env file', () => {
    const text = renderCompose(LAYOUT);
    const compose = parse(text);

    expect(compose.services.postgres).toMatchObject({
      env_file: ['databases.env'],
      volumes: ['postgres-data:/var/lib/postgresql/data', './databases-init.sql:/docker-entrypoint-initdb.d/topo-databases.sql:ro'],
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -U "$$POSTGRES_USER" -d postgres'] },
    });
    expect(compose.volumes).toEqual({ 'postgres-data': {} });
    // billing uses orders by name: it starts once orders, which migrates it, is healthy.
    expect([compose.services.orders, compose.services.billing].map((s) => [s.env_file, s.depends_on])).toEqual([
      [['databases.env'], { postgres: { condition: 'service_healthy' } }],
      [['databases.env'], { postgres: { condition: 'service_healthy' }, orders: { condition: 'service_healthy' } }],
    ]);
    expect([compose.services.greeter.env_file, compose.services.greeter.depends_on]).toEqual([undefined, undefined]);
    // No credential and no connection string in the file itself.
    expect(text).not.toMatch(/postgres:\/\/|POSTGRES_PASSWORD|TOPO_DATABASE_URL/);
  });

  it('the env file example and the init script name every database once', () => {
    expect(renderDatabasesEnvExample(LAYOUT).split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([
      'POSTGRES_USER=topo',
      'POSTGRES_PASSWORD=change-me',
      'TOPO_DATABASE_URL_LEDGER=postgres://topo:change-me@postgres:5432/ledger',
      'TOPO_DATABASE_URL_ORDERS=postgres://topo:change-me@postgres:5432/orders',
    ]);
    expect(renderDatabasesInit(LAYOUT)).toBe('CREATE DATABASE "ledger";\nCREATE DATABASE "orders";\n');
  });

  it('a compose file of an app without databases has no Postgres', () => {
    const compose = parse(renderCompose({ ...LAYOUT, processes: LAYOUT.processes.map((p) => ({ ...p, databases: [] })) }));
    expect([compose.services.postgres, compose.volumes]).toEqual([undefined, undefined]);
  });

  it('Kubernetes gives each process the connection strings of its databases from a Secret reference, never inline', () => {
    const billing = parse(renderKubernetes(LAYOUT).get('billing-deployment.yaml')!);
    const greeter = parse(renderKubernetes(LAYOUT).get('greeter-deployment.yaml')!);
    const env = (deployment: { spec: { template: { spec: { containers: { env: { name: string }[] }[] } } } }) =>
      deployment.spec.template.spec.containers[0].env.filter((e) => e.name.startsWith('TOPO_DATABASE_URL_'));

    expect(env(billing)).toEqual([
      { name: 'TOPO_DATABASE_URL_LEDGER', valueFrom: { secretKeyRef: { name: 'shop-databases', key: 'ledger' } } },
      { name: 'TOPO_DATABASE_URL_ORDERS', valueFrom: { secretKeyRef: { name: 'shop-databases', key: 'orders' } } },
    ]);
    expect(env(greeter)).toEqual([]);
  });

  it('the Dockerfile copies the migrations of the databases the process owns and says where they are', () => {
    const dockerfile = renderDockerfile({ app: 'shop', process: 'billing', port: 8080, installs: false, migrations: ['ledger', 'user-events'] });
    expect(dockerfile).toContain('COPY migrations ./migrations\nENV TOPO_MIGRATIONS_LEDGER=/app/migrations/ledger TOPO_MIGRATIONS_USER_EVENTS=/app/migrations/user-events\n');
    expect(renderDockerfile({ app: 'shop', process: 'greeter', port: 8080, installs: false })).not.toContain('migrations');
  });
});

describe('deploy files are locked down', () => {
  it('compose: every process drops all capabilities, gains no privilege and writes only /tmp', () => {
    const compose = parse(renderCompose(LAYOUT));
    for (const name of ['orders', 'billing', 'greeter', 'gateway']) {
      expect({ name, ...compose.services[name] }).toMatchObject({
        name,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        read_only: true,
        tmpfs: ['/tmp'],
      });
    }
  });

  it('Kubernetes: pods meet the "restricted" Pod Security Standard with a read-only root filesystem', () => {
    const files = renderKubernetes(LAYOUT);
    for (const name of ['orders', 'billing', 'greeter', 'gateway']) {
      const pod = parse(files.get(`${name}-deployment.yaml`)!).spec.template.spec;
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
        expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      }
      expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    }
  });

  it("Kubernetes: only the app's own pods reach a process that faces no client; the gateway has no such policy", () => {
    const files = renderKubernetes(LAYOUT);
    expect([...files.keys()].filter((file) => file.endsWith('-networkpolicy.yaml')).sort()).toEqual([
      'billing-networkpolicy.yaml',
      'greeter-networkpolicy.yaml',
      'orders-networkpolicy.yaml',
    ]);
    expect(parse(files.get('orders-networkpolicy.yaml')!).spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-orders', 'app.kubernetes.io/part-of': 'shop' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'shop' } } }], ports: [{ protocol: 'TCP', port: 4001 }] }],
    });
    expect(parse(files.get('kustomization.yaml')!).resources).toContain('orders-networkpolicy.yaml');
  });
});

import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { logger } from '@nx/devkit';
import { ProcessBundles } from '../../../bundling/process-bundles';
import { planProcesses } from '../../../app/plan-processes';
import type { ProcessPlan } from '../../../app/process-plan';
import type { LoadedApp } from '../../../app/load-app';
import type { Catalog } from '../../../catalog/model';
import { renderCatalogPage as renderPage } from '../../../catalog/render-page';
import type { ServiceInfo } from '../../../analysis';
import { CatalogServer } from './catalog-server';
import { ServeDatabases, type StartEmbedded } from './serve-databases';
import { assertPortFree, findFreePorts, waitForPort } from './ports';
import { renderProcessTable } from './process-table';
import { SupervisedProcess } from './supervisor';
import type { NormalizedServeOptions } from './normalize-options';

const START_TIMEOUT_MS = 20_000;
/** What the gateway needs beyond its wait for the processes: its own start and listen. */
const GATEWAY_START_MARGIN_MS = 5_000;
// Editors write a file in a burst of events; one refresh per burst, started soon after it.
const WATCH_DEBOUNCE_MS = 50;

interface RunningProcess {
  plan: ProcessPlan;
  port: number;
  process: SupervisedProcess;
}

/**
 * One `nx serve`: the app's processes, their bundles and the watcher that restarts a process
 * whose code changed. Created by {@link startServeSession}; {@link ServeSession.stop} ends it all.
 */
export class ServeSession {
  private running: RunningProcess[] = [];
  private layout = '';
  private watchers: FSWatcher[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly secret = process.env.TOPO_SECRET || randomBytes(32).toString('hex');
  private readonly bundles: ProcessBundles;
  private readonly catalog: CatalogServer;
  private readonly databases: ServeDatabases;
  private catalogUrl = '';
  private services: ServiceInfo[] = [];

  constructor(
    private readonly options: NormalizedServeOptions,
    private readonly load: () => LoadedApp,
    renderCatalogPage: (catalog: Catalog) => Promise<string> = renderPage,
    startEmbedded?: StartEmbedded,
  ) {
    this.catalog = new CatalogServer(renderCatalogPage);
    this.databases = new ServeDatabases(options.workspaceRoot, options.appName, displayHost(options.host), options.freshDatabases ?? false, startEmbedded);
    this.bundles = new ProcessBundles(
      options.appName,
      options.workspaceRoot,
      join(options.workspaceRoot, 'node_modules', '.cache', 'topo', 'serve', options.appName),
    );
  }

  get baseUrl(): string {
    return `http://${displayHost(this.options.host)}:${this.options.port}`;
  }

  /** The processes running now: name, port and PID. */
  get processes(): { name: string; port: number; pid: number | undefined }[] {
    return this.running.map((r) => ({ name: r.plan.name, port: r.port, pid: r.process.pid }));
  }

  /** Where the service catalog is served: the page, at `<baseUrl>/__topo/catalog`, goes through the app's own port. */
  get catalogBaseUrl(): string {
    return this.catalogUrl;
  }

  async start(): Promise<void> {
    const app = this.load();
    const plans = planProcesses(this.options.workspaceRoot, app.groups, app.services, app.schemas);
    await assertPortFree(this.options.port, this.options.host);
    this.catalogUrl = await this.catalog.start();
    this.catalog.update(app.catalog);
    this.services = app.services;
    const [built] = await Promise.all([this.bundles.build(plans), this.databases.start(app.databases)]);
    await this.launch(plans, built.map((b) => b.bundleFile), app.topology);
    if (this.options.watch) this.watchSources();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    for (const watcher of this.watchers) watcher.close();
    await this.refreshing.catch(() => undefined);
    await Promise.all(this.running.map((r) => r.process.stop()));
    await this.databases.stop();
    await this.bundles.dispose();
    await this.catalog.stop();
  }

  /** Synchronous last resort for process exit: kills whatever is still running. */
  killNow(): void {
    for (const r of this.running) r.process.killNow();
  }

  private async launch(plans: ProcessPlan[], bundleFiles: string[], topology: string): Promise<void> {
    const services = plans.filter((p) => p.kind === 'process');
    const ports = services.length === 1 ? [this.options.port] : [...(await findFreePorts(services.length, this.options.host)), this.options.port];
    const discovery: Record<string, string> = {};
    plans.forEach((plan, i) => {
      if (plan.kind === 'process') for (const s of plan.services) discovery[s.name] = `http://${displayHost(this.options.host)}:${ports[i]}`;
    });
    this.layout = layoutKey(plans, this.services);
    this.running = plans.map((plan, i) => ({
      plan,
      port: ports[i],
      process: new SupervisedProcess({
        name: plan.name,
        bundleFile: bundleFiles[i],
        cwd: this.options.workspaceRoot,
        env: {
          ...process.env,
          PORT: String(ports[i]),
          HOST: this.options.host,
          TOPO_SECRET: this.secret,
          TOPO_DISCOVERY: JSON.stringify(discovery),
          ...(plan.kind === 'process' ? this.databases.environmentOf(this.services.filter((s) => plan.services.some((p) => p.name === s.name))) : {}),
          // The process that faces clients passes /__topo/catalog on to the catalog server.
          ...(plan.kind === 'gateway' || plan.edge ? { TOPO_CATALOG_URL: this.catalogUrl } : {}),
          // The gateway listens once every process answers its health, for as long as this waits for them.
          ...(plan.kind === 'gateway' ? { TOPO_GATEWAY_STARTUP_TIMEOUT_MS: String(START_TIMEOUT_MS) } : {}),
        },
      }),
    }));
    for (const r of this.running) r.process.start();
    // The gateway listens only after the processes are healthy (or after the same deadline,
    // naming those that are not): once every port accepts connections, the app answers.
    // Each process says when it listens; the probe of its port stays for one that does not say so.
    await Promise.all(
      this.running.map((r) => {
        const said = new AbortController();
        void r.process.listening().then(() => said.abort());
        return waitForPort(r.port, this.options.host, r.plan.kind === 'gateway' ? START_TIMEOUT_MS + GATEWAY_START_MARGIN_MS : START_TIMEOUT_MS, said.signal).catch(
          (error: Error) => {
            throw new Error(`process ${r.plan.name} did not start: ${error.message} Its output above says why.`);
          },
        );
      }),
    );
    logger.info(renderProcessTable(this.options.appName, topology, this.running.map((r) => ({ plan: r.plan, url: `http://${displayHost(this.options.host)}:${r.port}` }))));
    const databases = this.databases.describe();
    if (databases) logger.info(databases);
    logger.info(`The service catalog and architecture diagram: ${this.baseUrl}/__topo/catalog`);
  }

  private watchSources(): void {
    const roots = new Set<string>([this.options.appRoot]);
    for (const file of this.bundles.inputFiles()) {
      if (file.includes(`${sep}node_modules${sep}`) || !relative(this.options.appRoot, file).startsWith('..')) continue;
      roots.add(dirname(file));
    }
    for (const root of roots) {
      const recursive = root === this.options.appRoot;
      const watcher = watch(root, { recursive }, (_event, file) => {
        if (file && /(^|[\\/])(node_modules|dist|tmp)([\\/]|$)/.test(String(file))) return;
        this.scheduleRefresh();
      });
      watcher.on('error', (error) => logger.warn(`topo: cannot watch ${root}: ${error.message}`));
      this.watchers.push(watcher);
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshing = this.refreshing.then(() => this.refresh()).catch((error: Error) => logger.error(`topo: ${error.message}`));
    }, WATCH_DEBOUNCE_MS);
  }

  /** After an edit: rebuild every bundle and restart the processes whose bundle changed. */
  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const app = this.load();
    this.catalog.update(app.catalog);
    this.services = app.services;
    const plans = planProcesses(this.options.workspaceRoot, app.groups, app.services, app.schemas);
    const [built] = await Promise.all([this.bundles.build(plans), this.databases.start(app.databases)]);
    if (layoutKey(plans, app.services) !== this.layout) {
      logger.info('topo: the services or their process groups changed; restarting every process');
      await Promise.all(this.running.map((r) => r.process.stop()));
      await this.launch(plans, built.map((b) => b.bundleFile), app.topology);
      return;
    }
    const changed = built.filter((b) => b.changed).map((b) => b.name);
    if (changed.length === 0) return;
    logger.info(`topo: code changed; restarting ${changed.join(', ')}`);
    await Promise.all(this.running.filter((r) => changed.includes(r.plan.name)).map((r) => r.process.restart()));
  }
}

/** What a restart cannot change: the processes, their services and the databases each uses (their environment). */
function layoutKey(plans: ProcessPlan[], services: readonly ServiceInfo[]): string {
  const databases = (name: string) => services.find((s) => s.name === name)?.databases.map((d) => d.name) ?? [];
  return JSON.stringify(plans.map((p) => [p.name, p.kind === 'process' ? p.services.map((s) => [s.name, ...databases(s.name)]) : []]));
}

function displayHost(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host;
}

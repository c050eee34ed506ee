import type { Catalog, CatalogTopology } from '../model';
import { h, replaceChildren } from './dom';
import { hasGateway } from './view-model';

/**
 * The process allocation: for each environment of topo.json, the topology it runs, and for
 * each topology which process hosts which services, with the gateway in front when there
 * are several processes.
 */
export class ProcessesView {
  readonly element: HTMLElement;
  private selected?: string;
  private catalog?: Catalog;

  constructor(private readonly onOpenService: (service: string) => void) {
    this.element = h('div', { class: 'processes' });
  }

  update(catalog: Catalog): void {
    this.catalog = catalog;
    const names = catalog.topologies.map((topology) => topology.name);
    if (!this.selected || !names.includes(this.selected)) {
      const first = Object.values(catalog.environments)[0];
      this.selected = first && names.includes(first) ? first : names[0];
    }
    this.render();
  }

  private select(name: string): void {
    this.selected = name;
    this.render();
    this.element.querySelector<HTMLElement>(`.topology-picker [data-topology="${CSS.escape(name)}"]`)?.focus();
  }

  private render(): void {
    const catalog = this.catalog!;
    const environmentsOf = (topology: string) => Object.entries(catalog.environments).filter(([, name]) => name === topology).map(([env]) => env);
    const environments = Object.entries(catalog.environments);
    const topology = catalog.topologies.find((candidate) => candidate.name === this.selected);
    replaceChildren(
      this.element,
      h('h2', null, 'Process allocation'),
      environments.length > 0
        ? h(
            'table',
            { class: 'environments' },
            h('caption', null, 'Environments (topo.json)'),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Environment'), h('th', { scope: 'col' }, 'Topology'), h('th', { scope: 'col' }, 'Processes'))),
            h(
              'tbody',
              null,
              environments.map(([env, name]) => {
                const processes = catalog.topologies.find((candidate) => candidate.name === name)?.processes.length ?? 0;
                return h(
                  'tr',
                  { 'data-environment': env },
                  h('th', { scope: 'row' }, env),
                  h('td', null, h('button', { type: 'button', class: 'link', onclick: () => this.select(name) }, name)),
                  h('td', null, String(processes)),
                );
              }),
            ),
          )
        : h('p', { class: 'muted' }, 'topo.json names no environment; every topology is shown below.'),
      h(
        'div',
        { class: 'topology-picker', role: 'group', 'aria-label': 'Topology' },
        catalog.topologies.map((candidate) =>
          h(
            'button',
            {
              type: 'button',
              'data-topology': candidate.name,
              'aria-pressed': candidate.name === this.selected ? 'true' : 'false',
              onclick: () => this.select(candidate.name),
            },
            candidate.name,
            h('span', { class: 'count' }, String(candidate.processes.length)),
          ),
        ),
      ),
      topology ? this.topologyView(topology, environmentsOf(topology.name)) : null,
    );
  }

  private topologyView(topology: CatalogTopology, environments: string[]): HTMLElement {
    const gateway = hasGateway(topology.processes);
    const processes = topology.processes.length;
    return h(
      'section',
      { class: 'topology', 'data-topology': topology.name, 'aria-labelledby': 'topology-title' },
      h(
        'h3',
        { id: 'topology-title' },
        `${topology.name}: ${processes} process${processes === 1 ? '' : 'es'}`,
        environments.length ? h('span', { class: 'muted' }, ` · ${environments.join(', ')}`) : null,
      ),
      gateway
        ? h(
            'div',
            { class: 'gateway', 'data-process': 'gateway' },
            h('strong', null, 'gateway'),
            h('span', null, ` routes every public request to the process that hosts its service`),
          )
        : null,
      h(
        'ul',
        { class: `process-grid${gateway ? ' behind-gateway' : ''}` },
        topology.processes.map((process) =>
          h(
            'li',
            { class: 'process', 'data-process': process.name },
            h('h4', null, process.name, h('span', { class: 'muted' }, ` · ${process.services.length} service${process.services.length === 1 ? '' : 's'}`)),
            h(
              'ul',
              { class: 'chips' },
              process.services.map((service) => h('li', null, h('button', { type: 'button', class: 'chip', onclick: () => this.onOpenService(service) }, service))),
            ),
          ),
        ),
      ),
    );
  }
}

/** The databases and who uses them; shown only when the catalog has any. */
export function databasesView(catalog: Catalog): HTMLElement {
  return h(
    'div',
    { class: 'databases' },
    h('h2', null, 'Databases'),
    h(
      'table',
      null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Database'), h('th', { scope: 'col' }, 'Owner'), h('th', { scope: 'col' }, 'Used by'))),
      h(
        'tbody',
        null,
        catalog.databases.map((database) =>
          h(
            'tr',
            { 'data-database': database.name },
            h('th', { scope: 'row' }, database.name),
            h('td', null, database.owner),
            h('td', null, database.users.filter((user) => user !== database.owner).join(', ') || '—'),
          ),
        ),
      ),
    ),
  );
}

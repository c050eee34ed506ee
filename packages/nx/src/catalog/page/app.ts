import type { Catalog } from '../model';
import { Diagram } from './diagram';
import { h, replaceChildren } from './dom';
import type { DiagramLayout } from './layout';
import type { LiveState } from './live';
import { databasesView, ProcessesView } from './processes';
import { ServicesView } from './services';
import { isEmptyFilter, serviceGraph, visibleServices, type Filter, type ServiceGraph } from './view-model';

/**
 * The catalog page: a header (app, counts, live state), tabs for the services, the
 * architecture diagram, the process allocation and (when the catalog has any) the
 * databases. It holds what the user chose (tab, search, access filter, isolated service)
 * and hands it to each view again when a new catalog arrives, so an update changes what
 * changed and nothing the user set.
 */

type Tab = 'services' | 'architecture' | 'processes' | 'databases';

const TAB_TITLES: Record<Tab, string> = {
  services: 'Services',
  architecture: 'Architecture',
  processes: 'Processes',
  databases: 'Databases',
};

const LIVE_TEXT: Record<LiveState, string> = {
  static: 'Static copy: try-it-out needs nx serve',
  connecting: 'Connecting to nx serve…',
  live: 'Live: follows nx serve',
  polling: 'Live: follows nx serve (polling)',
  offline: 'nx serve does not answer; retrying…',
};

export class CatalogPage {
  private catalog: Catalog;
  private graph: ServiceGraph;
  private tab: Tab = 'services';
  private filter: Filter = { query: '', access: 'all' };
  private isolated?: string;
  private live: LiveState = 'static';
  private updated?: Date;
  private readonly services: ServicesView;
  private readonly diagram: Diagram;
  private readonly processes: ProcessesView;
  private readonly databases = h('div', { class: 'databases-panel' });
  private readonly title = h('h1', null);
  private readonly summary = h('p', { class: 'summary' });
  private readonly liveStatus = h('p', { class: 'live-status', role: 'status', 'aria-live': 'polite' });
  private readonly tabList = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Catalog views' });
  private readonly panels = new Map<Tab, HTMLElement>();
  private readonly tabButtons = new Map<Tab, HTMLButtonElement>();
  private readonly search: HTMLInputElement;
  private readonly access: HTMLSelectElement;
  /** Search and access filter: they filter the list and dim the diagram. */
  private readonly filterBar: HTMLElement;

  constructor(root: HTMLElement, catalog: Catalog, layouts: readonly DiagramLayout[] = []) {
    this.catalog = normalize(catalog);
    this.graph = serviceGraph(this.catalog);
    this.search = h('input', {
      id: 'catalog-search',
      type: 'search',
      placeholder: 'Service, endpoint or path',
      autocomplete: 'off',
      spellcheck: 'false',
      oninput: () => this.setFilter({ ...this.filter, query: this.search.value }),
    });
    this.access = h(
      'select',
      { id: 'catalog-access', onchange: () => this.setFilter({ ...this.filter, access: this.access.value as Filter['access'] }) },
      h('option', { value: 'all' }, 'public and private'),
      h('option', { value: 'public' }, 'public only'),
      h('option', { value: 'private' }, 'private only'),
    );
    this.filterBar = h(
      'div',
      { class: 'toolbar filters', role: 'search', 'aria-label': 'Services and diagram' },
      h('label', { for: 'catalog-search' }, 'Search'),
      this.search,
      h('label', { for: 'catalog-access' }, 'Access'),
      this.access,
    );
    this.services = new ServicesView({ onShowInDiagram: (service) => this.showInDiagram(service) });
    this.diagram = new Diagram({ onIsolate: (service) => this.isolate(service), onOpenService: (service) => this.openService(service) }, layouts);
    this.processes = new ProcessesView((service) => this.openService(service));

    this.panels.set('services', this.services.element);
    this.panels.set('architecture', this.diagram.element);
    this.panels.set('processes', this.processes.element);
    this.panels.set('databases', this.databases);
    const main = h('main', { id: 'catalog-main' });
    for (const [tab, panel] of this.panels) {
      const button = h(
        'button',
        { type: 'button', role: 'tab', id: `tab-${tab}`, 'aria-controls': `panel-${tab}`, onclick: () => this.selectTab(tab, true), onkeydown: (event: KeyboardEvent) => this.onTabKey(event) },
        TAB_TITLES[tab],
      );
      this.tabButtons.set(tab, button);
      this.tabList.append(button);
      main.append(h('section', { id: `panel-${tab}`, class: `panel panel-${tab}`, role: 'tabpanel', 'aria-labelledby': `tab-${tab}`, tabindex: -1 }, panel));
    }
    replaceChildren(
      root,
      h('header', { class: 'top' }, h('div', { class: 'heading' }, this.title, this.summary), this.liveStatus),
      h('nav', { 'aria-label': 'Catalog views' }, this.tabList, this.filterBar),
      main,
    );
    window.addEventListener('hashchange', () => this.selectTab(tabFromHash(), false));
    this.render(new Set());
    this.selectTab(tabFromHash(), false);
    this.setLive('static');
  }

  /** A catalog from nx serve: everything is drawn again from it, with the user's choices. */
  update(catalog: Catalog): void {
    const next = normalize(catalog);
    if (JSON.stringify(next) === JSON.stringify(this.catalog)) return;
    const before = new Set(this.catalog.services.map((service) => service.name));
    const added = new Set(next.services.map((service) => service.name).filter((name) => !before.has(name)));
    this.catalog = next;
    this.graph = serviceGraph(next);
    if (this.isolated && !this.graph.services.includes(this.isolated)) this.isolated = undefined;
    this.updated = new Date();
    this.render(added);
    this.showLive();
  }

  setLive(state: LiveState): void {
    const wasLive = this.isLive();
    this.live = state;
    if (this.isLive() !== wasLive) this.services.update(this.catalog, this.graph, this.isLive(), new Set());
    this.showLive();
  }

  private isLive(): boolean {
    return this.live === 'live' || this.live === 'polling' || this.live === 'offline';
  }

  private showLive(): void {
    this.liveStatus.className = `live-status ${this.live}`;
    this.liveStatus.textContent = LIVE_TEXT[this.live] + (this.updated && this.isLive() ? ` · updated ${this.updated.toLocaleTimeString()}` : '');
  }

  private render(added: Set<string>): void {
    const catalog = this.catalog;
    const endpoints = catalog.services.reduce((sum, service) => sum + service.endpoints.length, 0);
    document.title = `${catalog.app.name} · service catalog`;
    replaceChildren(this.title, catalog.app.name, h('span', { class: 'muted' }, ' service catalog'));
    this.summary.textContent =
      `${count(catalog.services.length, 'service')} · ${count(endpoints, 'endpoint')} · ${count(this.graph.edges.length, 'calling pair')}` +
      (catalog.databases.length ? ` · ${count(catalog.databases.length, 'database')}` : '') +
      ` · ${catalog.app.root}`;
    this.services.update(catalog, this.graph, this.isLive(), added);
    this.diagram.update(catalog, this.graph, this.isolated, this.visibleInDiagram());
    this.processes.update(catalog);
    const hasDatabases = catalog.databases.length > 0;
    this.tabButtons.get('databases')!.hidden = !hasDatabases;
    if (hasDatabases) replaceChildren(this.databases, databasesView(catalog));
    else {
      replaceChildren(this.databases);
      if (this.tab === 'databases') this.selectTab('services', false);
    }
  }

  private visibleInDiagram(): Set<string> | undefined {
    return isEmptyFilter(this.filter) ? undefined : visibleServices(this.catalog, this.filter);
  }

  private setFilter(filter: Filter): void {
    this.filter = filter;
    this.services.applyFilter(filter);
    this.diagram.update(this.catalog, this.graph, this.isolated, this.visibleInDiagram());
  }

  private isolate(service: string | undefined): void {
    this.isolated = service;
    this.diagram.update(this.catalog, this.graph, service, this.visibleInDiagram());
    if (service) document.querySelector<SVGGElement>(`.diagram .node[data-service="${CSS.escape(service)}"]`)?.focus();
  }

  private showInDiagram(service: string): void {
    this.selectTab('architecture', true);
    this.isolate(service);
  }

  private openService(service: string): void {
    if (!visibleServices(this.catalog, this.filter).has(service)) {
      this.search.value = '';
      this.setFilter({ query: '', access: 'all' });
      this.access.value = 'all';
    }
    this.selectTab('services', true);
    this.services.reveal(service);
  }

  private selectTab(tab: Tab, push: boolean): void {
    if (tab === 'databases' && this.catalog.databases.length === 0) tab = 'services';
    this.tab = tab;
    for (const [name, button] of this.tabButtons) {
      const selected = name === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      document.getElementById(`panel-${name}`)!.hidden = !selected;
    }
    if (push && location.hash !== `#${tab}`) history.replaceState(null, '', `#${tab}`);
    this.filterBar.hidden = tab !== 'services' && tab !== 'architecture';
    this.services.setShown(tab === 'services');
    this.diagram.setShown(tab === 'architecture');
  }

  private onTabKey(event: KeyboardEvent): void {
    const tabs = [...this.tabButtons].filter(([, button]) => !button.hidden).map(([tab]) => tab);
    const index = tabs.indexOf(this.tab);
    const next = event.key === 'ArrowRight' ? tabs[(index + 1) % tabs.length] : event.key === 'ArrowLeft' ? tabs[(index - 1 + tabs.length) % tabs.length] : undefined;
    if (!next) return;
    event.preventDefault();
    this.selectTab(next, true);
    this.tabButtons.get(next)!.focus();
  }
}

function tabFromHash(): Tab {
  const hash = location.hash.slice(1);
  return hash in TAB_TITLES ? (hash as Tab) : 'services';
}

/** A catalog from an older or newer writer, with the lists the page reads always present. */
function normalize(catalog: Catalog): Catalog {
  return { ...catalog, databases: catalog.databases ?? [], environments: catalog.environments ?? {}, topologies: catalog.topologies ?? [], calls: catalog.calls ?? [] };
}

function count(value: number, word: string): string {
  return `${value} ${word}${value === 1 ? '' : 's'}`;
}

import type { JsonSchema } from '@topo/runtime/contract';
import type { Catalog, CatalogEndpoint, CatalogService } from '../model';
import { h, idPart, replaceChildren } from './dom';
import { buildRequest, exampleBody, formatAnswerBody, formFields, formMethods, MissingValue, usesQuery } from './request';
import { isAny, schemaRows } from './schema';
import { visibleEndpoints, type Filter, type ServiceGraph } from './view-model';

/**
 * The service list: every service with its doc and its calls, every endpoint as a line
 * (method, path, name, access) that opens onto its doc, its request and response tables
 * and, when the page is live, a try-it-out form. Endpoint bodies are built when first
 * opened, so that 2,000 endpoints cost 2,000 lines, not 2,000 tables. Which endpoints are
 * open and what was typed in their forms survive a new catalog.
 */

export interface ServicesHandlers {
  /** Show a service in the diagram, isolated. */
  onShowInDiagram(service: string): void;
}

export class ServicesView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private catalog?: Catalog;
  private graph?: ServiceGraph;
  private live = false;
  private readonly open = new Set<string>();
  private readonly values = new Map<string, Record<string, string>>();
  private readonly methods = new Map<string, string>();
  private filter: Filter = { query: '', access: 'all' };
  private added = new Set<string>();
  private dirty = false;
  private shown = false;

  constructor(private readonly handlers: ServicesHandlers) {
    this.count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
    this.list = h('div', { class: 'service-list' });
    this.element = h('div', { class: 'services' }, this.count, this.list);
  }

  /** A new catalog (or the live state changed): the list is built again when shown, open endpoints and typed values kept. */
  update(catalog: Catalog, graph: ServiceGraph, live: boolean, added: Set<string>): void {
    this.catalog = catalog;
    this.graph = graph;
    this.live = live;
    this.added = added;
    this.dirty = true;
    if (this.shown) this.build();
  }

  /** The list's tab was opened or closed: a list of 2,000 endpoints is built only when someone looks. */
  setShown(shown: boolean): void {
    this.shown = shown;
    if (shown && this.dirty) this.build();
  }

  private build(): void {
    const catalog = this.catalog;
    if (!catalog) return;
    this.dirty = false;
    const scroll = window.scrollY;
    replaceChildren(
      this.list,
      catalog.services.map((service) => this.serviceElement(service)),
    );
    this.applyFilter(this.filter);
    window.scrollTo({ top: scroll });
  }

  /** Hides what the filter does not show, without building anything again. */
  applyFilter(filter: Filter): void {
    this.filter = filter;
    const catalog = this.catalog;
    if (!catalog || this.dirty) return;
    let services = 0;
    let endpoints = 0;
    for (const service of catalog.services) {
      const section = this.list.querySelector<HTMLElement>(`#${serviceId(service.name)}`);
      if (!section) continue;
      const shown = visibleEndpoints(service, filter);
      section.hidden = shown === undefined;
      if (!shown) continue;
      services++;
      endpoints += shown.length;
      const names = new Set(shown.map((endpoint) => endpoint.name));
      for (const item of section.querySelectorAll<HTMLElement>('li.endpoint')) item.hidden = !names.has(item.dataset.name ?? '');
    }
    const total = catalog.services.reduce((sum, service) => sum + service.endpoints.length, 0);
    this.count.textContent =
      services === catalog.services.length && endpoints === total
        ? `${plural(services, 'service')}, ${plural(endpoints, 'endpoint')}`
        : `Showing ${plural(services, 'service')} of ${catalog.services.length}, ${endpoints} of ${plural(total, 'endpoint')}`;
  }

  /** Scrolls to a service and focuses its heading. */
  reveal(service: string): void {
    const section = this.list.querySelector<HTMLElement>(`#${serviceId(service)}`);
    if (!section) return;
    section.hidden = false;
    section.scrollIntoView({ block: 'start' });
    section.querySelector<HTMLElement>('h2')?.focus();
  }

  private serviceElement(service: CatalogService): HTMLElement {
    const graph = this.graph!;
    const calls = graph.edges.filter((edge) => edge.from === service.name);
    const callers = graph.edges.filter((edge) => edge.to === service.name);
    const databases = graph.databaseEdges.filter((edge) => edge.service === service.name);
    const titleId = `${serviceId(service.name)}-title`;
    return h(
      'section',
      { class: `service${this.added.has(service.name) ? ' added' : ''}`, id: serviceId(service.name), 'data-service': service.name, 'aria-labelledby': titleId },
      h(
        'header',
        null,
        h('h2', { id: titleId, tabindex: -1 }, service.name),
        h('span', { class: 'muted where' }, service.root),
        h('button', { type: 'button', class: 'link', onclick: () => this.handlers.onShowInDiagram(service.name) }, 'Show in diagram'),
      ),
      service.doc ? h('p', { class: 'doc' }, service.doc) : null,
      h(
        'p',
        { class: 'relations-line' },
        h('span', null, 'Calls: ', calls.length ? calls.map((edge) => `${edge.to} (${edge.endpoints.join(', ')})`).join('; ') : 'none'),
        h('span', null, 'Called by: ', callers.length ? callers.map((edge) => edge.from).join(', ') : 'none'),
        databases.length ? h('span', null, 'Databases: ', databases.map((edge) => `${edge.database}${edge.owner ? ' (owner)' : ''}`).join(', ')) : null,
      ),
      service.endpoints.length === 0
        ? h('p', { class: 'muted' }, 'No endpoint.')
        : h(
            'ul',
            { class: 'endpoints' },
            service.endpoints.map((endpoint) => this.endpointElement(endpoint)),
          ),
    );
  }

  private endpointElement(endpoint: CatalogEndpoint): HTMLElement {
    const key = endpointKey(endpoint);
    const details = h(
      'details',
      { 'data-endpoint': key, open: this.open.has(key) },
      h(
        'summary',
        null,
        h('span', { class: 'methods' }, endpoint.methods.map((method) => h('span', { class: `method m-${method === '*' ? 'any' : method.toLowerCase()}` }, method === '*' ? 'ANY' : method))),
        h('code', { class: 'path' }, endpoint.path),
        h('span', { class: 'endpoint-name' }, endpoint.name),
        h('span', { class: `badge ${endpoint.access}` }, endpoint.access),
        endpoint.kind === 'raw' ? h('span', { class: 'badge raw' }, 'raw') : null,
        endpoint.doc ? h('span', { class: 'summary-doc' }, firstLine(endpoint.doc)) : null,
      ),
    );
    const body = h('div', { class: 'endpoint-body' });
    details.append(body);
    if (details.open) this.fillEndpoint(body, endpoint);
    details.addEventListener('toggle', () => {
      if (details.open) {
        this.open.add(key);
        if (!body.hasChildNodes()) this.fillEndpoint(body, endpoint);
      } else this.open.delete(key);
    });
    return h('li', { class: 'endpoint', 'data-name': endpoint.name }, details);
  }

  private fillEndpoint(body: HTMLElement, endpoint: CatalogEndpoint): void {
    replaceChildren(
      body,
      endpoint.doc ? h('p', { class: 'doc' }, endpoint.doc) : h('p', { class: 'doc muted' }, 'No doc comment.'),
      h('p', { class: 'where muted' }, h('code', null, `${endpoint.service}.${endpoint.name}`), ` · ${endpoint.file}:${endpoint.line}`),
      endpoint.kind === 'raw'
        ? h('p', { class: 'muted' }, 'Raw endpoint: it reads the request and writes the answer itself, so it has no schema.')
        : [schemaSection('Request', endpoint.request, 'It takes no request fields.'), schemaSection('Response', endpoint.response, 'It declares no response body (void or any).')],
      this.tryIt(endpoint),
    );
  }

  private tryIt(endpoint: CatalogEndpoint): HTMLElement {
    if (endpoint.access === 'private') {
      return h('p', { class: 'note' }, `Private: only other services call it, through the ${endpoint.service} client. The app does not answer it from outside.`);
    }
    if (!this.live) return h('p', { class: 'note' }, 'Try it out when the page is served by nx serve (at /__topo/catalog).');
    const key = endpointKey(endpoint);
    const values = this.values.get(key) ?? {};
    this.values.set(key, values);
    const methods = formMethods(endpoint);
    const method = this.methods.get(key) ?? methods[0];
    const form = h('form', { class: 'try', 'data-try': key, novalidate: true });
    const fields = h('div', { class: 'try-fields' });
    const answer = h('output', { class: 'answer', 'aria-live': 'polite' });
    const formId = `try-${idPart(key)}`;

    const renderFields = (current: string) => {
      const inputs = formFields(endpoint, current).map((field) => {
        const id = `${formId}-${idPart(field.key)}`;
        const input = h('input', {
          id,
          name: field.key,
          type: 'text',
          value: values[field.key] ?? '',
          required: field.required,
          autocomplete: 'off',
          spellcheck: 'false',
          oninput: (event: Event) => (values[field.key] = (event.target as HTMLInputElement).value),
        });
        return h(
          'div',
          { class: 'field' },
          h('label', { for: id }, field.name, h('span', { class: 'muted' }, ` ${field.source} · ${field.type}${field.required ? '' : ' · optional'}`)),
          input,
          field.description ? h('small', { class: 'muted' }, field.description) : null,
        );
      });
      let bodyField: HTMLElement | null = null;
      if (!usesQuery(current)) {
        if (values.body === undefined) values.body = exampleBody(endpoint);
        const id = `${formId}-body`;
        bodyField = h(
          'div',
          { class: 'field' },
          h('label', { for: id }, 'JSON body'),
          h('textarea', {
            id,
            name: 'body',
            rows: Math.min(12, Math.max(3, values.body.split('\n').length + 1)),
            spellcheck: 'false',
            oninput: (event: Event) => (values.body = (event.target as HTMLTextAreaElement).value),
          }),
        );
        (bodyField.querySelector('textarea') as HTMLTextAreaElement).value = values.body;
      }
      replaceChildren(fields, inputs, bodyField);
    };
    renderFields(method);

    const methodId = `${formId}-method`;
    const methodPicker =
      methods.length > 1
        ? h(
            'div',
            { class: 'field' },
            h('label', { for: methodId }, 'Method'),
            h(
              'select',
              {
                id: methodId,
                onchange: (event: Event) => {
                  const chosen = (event.target as HTMLSelectElement).value;
                  this.methods.set(key, chosen);
                  renderFields(chosen);
                },
              },
              methods.map((candidate) => h('option', { value: candidate, selected: candidate === method }, candidate)),
            ),
          )
        : null;

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const current = this.methods.get(key) ?? methods[0];
      void send(endpoint, current, values, answer, form.querySelector('button[type="submit"]') as HTMLButtonElement);
    });
    replaceChildren(
      form,
      h('h3', null, 'Try it out'),
      methodPicker,
      fields,
      h('div', { class: 'try-actions' }, h('button', { type: 'submit', class: 'primary' }, 'Send'), h('span', { class: 'muted' }, `to this app, ${location.host}`)),
      answer,
    );
    return form;
  }
}

async function send(endpoint: CatalogEndpoint, method: string, values: Record<string, string>, answer: HTMLElement, button: HTMLButtonElement): Promise<void> {
  let request;
  try {
    request = buildRequest(endpoint, method, values);
  } catch (error) {
    if (!(error instanceof MissingValue)) throw error;
    replaceChildren(answer, h('p', { class: 'error' }, error.message));
    return;
  }
  button.disabled = true;
  replaceChildren(answer, h('p', { class: 'muted' }, `${request.method} ${request.url} …`));
  const started = performance.now();
  try {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, credentials: 'same-origin', cache: 'no-store' });
    const text = request.method === 'HEAD' ? '' : await response.text();
    const ms = Math.round(performance.now() - started);
    replaceChildren(
      answer,
      h(
        'p',
        { class: `status ${response.ok ? 'ok' : 'failed'}` },
        h('strong', { class: 'status-code' }, String(response.status)),
        ` ${response.statusText} · ${request.method} ${request.url} · ${ms} ms`,
      ),
      text ? h('pre', { class: 'answer-body' }, formatAnswerBody(text, response.headers.get('content-type'))) : h('p', { class: 'muted' }, 'Empty body.'),
    );
  } catch (error) {
    replaceChildren(answer, h('p', { class: 'error' }, `The request failed: ${(error as Error).message}. Is nx serve still running?`));
  } finally {
    button.disabled = false;
  }
}

function schemaSection(title: string, schema: JsonSchema | undefined, empty: string): HTMLElement {
  const rows = schema ? schemaRows(schema) : [];
  return h(
    'section',
    { class: 'schema' },
    h('h3', null, title),
    rows.length === 0
      ? h('p', { class: 'muted' }, isAny(schema) || !schema ? empty : 'It has no fields.')
      : h(
          'table',
          { class: 'schema-table' },
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Required'), h('th', { scope: 'col' }, 'Description')),
          ),
          h(
            'tbody',
            null,
            rows.map((row) =>
              h(
                'tr',
                { class: `depth-${Math.min(row.depth, 6)}` },
                h('td', { class: 'field-name' }, row.parent ? h('span', { class: 'parent' }, row.parent) : null, h('code', null, row.name)),
                h('td', null, h('code', { class: 'type' }, row.type)),
                h('td', null, row.required === undefined ? '' : row.required ? h('span', { class: 'req' }, 'required') : h('span', { class: 'muted' }, 'optional')),
                h('td', { class: 'description' }, row.description ?? ''),
              ),
            ),
          ),
        ),
  );
}

export function serviceId(name: string): string {
  return `service-${idPart(name)}`;
}

function endpointKey(endpoint: CatalogEndpoint): string {
  return `${endpoint.service}.${endpoint.name}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 90 ? `${line.slice(0, 88)}…` : line;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

import type { Catalog } from '../model';
import { h, s, replaceChildren } from './dom';
import { endpointCount, LABEL_HEIGHT, layoutDiagram, layoutKey, type DiagramLayout, type LaidNode } from './layout';
import { databaseNode, serviceNode, type ServiceGraph } from './view-model';

/**
 * The architecture diagram: a node per service (and database), an edge per caller → callee
 * pair labelled with the endpoints called, laid out by dagre and drawn as SVG. Wheel zooms
 * around the pointer, dragging pans, Fit shows everything; hovering (or focusing) a service
 * highlights its calls, clicking it isolates it with its neighbours (laid out again on their
 * own), clicking it again, Escape or "Show all" brings everything back. Search dims what
 * does not match. The viewport is kept when the catalog changes.
 */

export interface DiagramHandlers {
  /** The user isolated a service (or reset, with undefined). */
  onIsolate(service: string | undefined): void;
  /** The user asked to see a service in the list. */
  onOpenService(service: string): void;
}

interface View {
  x: number;
  y: number;
  k: number;
}

const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 4;
/** Below this zoom edge labels are hidden: unreadable, and they hide the edges. */
const LABEL_ZOOM = 0.45;
/** Layouts kept, so that showing everything again after an isolation costs nothing. */
const KEPT_LAYOUTS = 8;

/** The group the overview shows a second time. */
const CONTENT_ID = 'topo-diagram-content';

/** Marks the page sets on `performance`: the benchmark reads them. */
export const DRAWN_MARK = 'topo:diagram-drawn';
export const LAYOUT_MEASURE = 'topo:diagram-layout';

export class Diagram {
  readonly element: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly scene: SVGGElement;
  private readonly content: SVGGElement;
  private readonly minimap: SVGSVGElement;
  private readonly minimapView: SVGRectElement;
  private readonly caption: HTMLElement;
  private readonly info: HTMLElement;
  private readonly resetButton: HTMLButtonElement;
  private view: View = { x: 0, y: 0, k: 1 };
  private hasView = false;
  private size = { width: 0, height: 0 };
  private catalog?: Catalog;
  private graph?: ServiceGraph;
  private isolated?: string;
  private visible?: Set<string>;
  private layoutKey = '';
  private nodeElements = new Map<string, SVGGElement>();
  private edgesOfNode = new Map<string, SVGGElement[]>();
  private dirty = true;
  private shown = false;
  private drawnOnce = false;
  private drag?: { id: number; x: number; y: number; view: View; moved: boolean };
  private suppressClick = false;

  private readonly layouts = new Map<string, DiagramLayout>();

  /** `laidOut`: layouts made ahead (render-page.ts lays the whole diagram out when it renders the page). */
  constructor(
    private readonly handlers: DiagramHandlers,
    laidOut: readonly DiagramLayout[] = [],
  ) {
    for (const laid of laidOut) this.layouts.set(laid.key, laid);
    this.content = s('g', { id: CONTENT_ID });
    this.scene = s('g', { class: 'scene' }, this.content);
    this.minimapView = s('rect', { class: 'minimap-view' });
    // An overview of the whole diagram (a second rendering of the same group) with the part in view outlined; click or drag in it to move there.
    this.minimap = s('svg', { class: 'minimap', 'aria-hidden': 'true', preserveAspectRatio: 'xMidYMid meet' }, s('use', { href: `#${CONTENT_ID}` }), this.minimapView);
    this.minimap.addEventListener('pointerdown', (event) => this.onMinimap(event));
    this.minimap.addEventListener('pointermove', (event) => {
      if (event.buttons & 1) this.onMinimap(event);
    });
    this.svg = s(
      'svg',
      {
        class: 'diagram-svg',
        role: 'group',
        'aria-label': 'Architecture diagram: services and the calls between them. Drag to pan, wheel or + and − to zoom, 0 to fit.',
        tabindex: 0,
        'font-family': FONT_FAMILY,
        onkeydown: (event: KeyboardEvent) => this.onKey(event),
        onclick: (event: MouseEvent) => this.onNodeClick(event),
        onpointerover: (event: PointerEvent) => this.onNodeHover(event),
        onpointerout: (event: PointerEvent) => this.onNodeHover(event),
        onfocusin: (event: FocusEvent) => {
          // Keyboard focus shows the calls as hovering does; the focus a click leaves does not.
          const node = nodeOf(event.target);
          if (node && node.matches(':focus-visible')) this.highlight(nodeId(node));
        },
        onfocusout: () => this.highlight(undefined),
      },
      s('defs', null, arrowMarker('arrow', 'arrowhead'), arrowMarker('arrow-hl', 'arrowhead hl')),
      this.scene,
    );
    this.resetButton = h('button', { type: 'button', class: 'reset', disabled: true, onclick: () => this.handlers.onIsolate(undefined) }, 'Show all');
    this.caption = h('p', { class: 'diagram-caption', role: 'status' });
    this.info = h('aside', { class: 'diagram-info', 'aria-label': 'Selected service', hidden: true });
    const toolbar = h(
      'div',
      { class: 'toolbar diagram-toolbar', role: 'toolbar', 'aria-label': 'Diagram' },
      h('button', { type: 'button', onclick: () => this.zoomBy(1.25), 'aria-label': 'Zoom in', title: 'Zoom in (+)' }, '+'),
      h('button', { type: 'button', onclick: () => this.zoomBy(0.8), 'aria-label': 'Zoom out', title: 'Zoom out (−)' }, '−'),
      h('button', { type: 'button', class: 'fit', onclick: () => this.fit(), title: 'Fit the diagram in view (0)' }, 'Fit'),
      this.resetButton,
      this.caption,
    );
    this.element = h('div', { class: 'diagram' }, toolbar, h('div', { class: 'diagram-stage' }, this.svg, this.minimap, this.info));
    this.svg.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    new ResizeObserver(() => {
      if (!this.shown) return;
      this.readSize();
      this.applyView();
    }).observe(this.svg);
    this.svg.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.svg.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.svg.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.svg.addEventListener('pointercancel', (event) => this.onPointerUp(event));
    // A drag that ends on a node is not a click on it.
    this.svg.addEventListener(
      'click',
      (event) => {
        if (this.suppressClick) {
          event.stopPropagation();
          this.suppressClick = false;
        }
      },
      true,
    );
  }

  /** New data (or a new isolation, or a new search): drawn now when visible, else when next shown. */
  update(catalog: Catalog, graph: ServiceGraph, isolated: string | undefined, visible: Set<string> | undefined): void {
    const isolationChanged = isolated !== this.isolated;
    this.catalog = catalog;
    this.graph = graph;
    this.isolated = isolated && graph.services.includes(isolated) ? isolated : undefined;
    this.visible = visible;
    const key = layoutKey(catalog, graph, this.isolated);
    if (key !== this.layoutKey) {
      this.layoutKey = key;
      this.dirty = true;
      // A new isolation (or its reset) starts from a view that fits it; a changed catalog keeps the user's.
      if (isolationChanged) this.hasView = false;
    }
    if (this.shown) this.draw();
  }

  /** The diagram's tab was opened or closed. */
  setShown(shown: boolean): void {
    this.shown = shown;
    if (shown) this.draw();
  }

  private draw(): void {
    if (!this.catalog || !this.graph) return;
    this.readSize();
    if (this.dirty) {
      this.layoutAndDraw(this.catalog, this.graph);
      this.dirty = false;
    }
    this.applySearch();
    this.describe();
    if (!this.hasView && this.size.width > 0) this.fit();
    else this.applyView();
  }

  private readSize(): void {
    const rect = this.svg.getBoundingClientRect();
    this.size = { width: rect.width, height: rect.height };
  }

  /** The layout for the current catalog and isolation: kept, embedded by the page, or made now. */
  private layoutFor(catalog: Catalog, graph: ServiceGraph): DiagramLayout {
    const known = this.layouts.get(this.layoutKey);
    if (known) return known;
    performance.mark('topo:diagram-layout-start');
    const laid = layoutDiagram(catalog, graph, this.isolated);
    performance.measure(LAYOUT_MEASURE, 'topo:diagram-layout-start');
    this.layouts.set(laid.key, laid);
    // A few are enough: the whole diagram and the last isolations.
    if (this.layouts.size > KEPT_LAYOUTS) this.layouts.delete(this.layouts.keys().next().value as string);
    return laid;
  }

  private layoutAndDraw(catalog: Catalog, graph: ServiceGraph): void {
    const laid = this.layoutFor(catalog, graph);
    this.nodeElements.clear();
    this.edgesOfNode.clear();
    const addEdgeOf = (id: string, element: SVGGElement) => {
      const list = this.edgesOfNode.get(id);
      if (list) list.push(element);
      else this.edgesOfNode.set(id, [element]);
    };

    const calls = new Map(graph.edges.map((edge) => [edge.key, edge]));
    const uses = new Map(graph.databaseEdges.map((edge) => [edge.key, edge]));
    const edgeLayer = s('g', { class: 'edges' });
    for (const laidEdge of laid.edges) {
      const call = calls.get(laidEdge.key);
      const use = uses.get(laidEdge.key);
      let element: SVGGElement;
      if (call) {
        const label = laidEdge.label;
        element = s(
          'g',
          { class: 'edge', 'data-edge': call.key, 'data-from': call.from, 'data-to': call.to },
          s('title', null, `${call.from} calls ${call.to}: ${call.endpoints.join(', ')}\n${call.calls.map((c) => `${c.from.endpoint ?? '(module)'} → ${c.to.endpoint}  ${c.from.file}:${c.from.line}`).join('\n')}`),
          s('path', { d: curve(laidEdge.points), 'marker-end': 'url(#arrow)' }),
          label
            ? s(
                'g',
                { class: 'edge-label', transform: `translate(${label.x},${label.y})` },
                s('rect', { x: round(-label.width / 2), y: -LABEL_HEIGHT / 2 - 1, width: label.width, height: LABEL_HEIGHT + 2, rx: 3 }),
                s('text', { 'text-anchor': 'middle', y: 4 }, label.text),
              )
            : null,
        );
        addEdgeOf(serviceNode(call.from), element);
        addEdgeOf(serviceNode(call.to), element);
      } else if (use) {
        element = s(
          'g',
          { class: `edge db-edge${use.owner ? ' owner' : ''}`, 'data-edge': use.key, 'data-from': use.service, 'data-database': use.database },
          s('title', null, `${use.service} ${use.owner ? 'owns' : 'uses'} database ${use.database}`),
          s('path', { d: curve(laidEdge.points), 'marker-end': 'url(#arrow)' }),
        );
        addEdgeOf(serviceNode(use.service), element);
        addEdgeOf(databaseNode(use.database), element);
      } else continue;
      edgeLayer.append(element);
    }

    const callsOf = new Map<string, string[]>();
    const callersOf = new Map<string, string[]>();
    for (const edge of graph.edges) {
      callsOf.set(edge.from, [...(callsOf.get(edge.from) ?? []), edge.to]);
      callersOf.set(edge.to, [...(callersOf.get(edge.to) ?? []), edge.from]);
    }
    const nodeLayer = s('g', { class: 'nodes' });
    for (const node of laid.nodes) {
      const element = node.kind === 'service' ? this.serviceElement(node, callsOf.get(node.name) ?? [], callersOf.get(node.name) ?? []) : this.databaseElement(node);
      nodeLayer.append(element);
      this.nodeElements.set(node.id, element);
    }
    replaceChildren(this.content, edgeLayer, nodeLayer);
    performance.mark('topo:diagram-built');
    this.bounds = { width: laid.width, height: laid.height };
    this.minimap.setAttribute('viewBox', `0 0 ${laid.width} ${laid.height}`);
    this.svg.classList.toggle('isolating', Boolean(this.isolated));
    this.resetButton.disabled = !this.isolated;
    this.renderInfo(catalog, graph);

    if (!this.drawnOnce) {
      this.drawnOnce = true;
      // After the frame that shows it: the time a person waits for the diagram.
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(DRAWN_MARK)));
    }
  }

  private bounds = { width: 0, height: 0 };

  private serviceElement(node: LaidNode, calls: readonly string[], callers: readonly string[]): SVGGElement {
    const selected = this.isolated === node.name;
    const label =
      `${node.name}: ${node.meta}; calls ${calls.join(', ') || 'no service'}; called by ${callers.join(', ') || 'no service'}. ` +
      (selected ? 'Press to show every service.' : 'Press to show it with its neighbours only.');
    return s(
      'g',
      {
        class: `node service${selected ? ' selected' : ''}`,
        'data-service': node.name,
        transform: `translate(${node.x},${node.y})`,
        tabindex: 0,
        role: 'button',
        'aria-pressed': selected ? 'true' : 'false',
        'aria-label': label,
      },
      s('rect', { width: node.width, height: node.height, rx: 7 }),
      s('text', { class: 'name', x: node.width / 2, y: 18, 'text-anchor': 'middle' }, node.name),
      s('text', { class: 'meta', x: node.width / 2, y: 33, 'text-anchor': 'middle' }, node.meta),
    );
  }

  private databaseElement(node: LaidNode): SVGGElement {
    const w = node.width;
    const hgt = node.height;
    const ry = 6;
    return s(
      'g',
      { class: 'node database', 'data-database': node.name, transform: `translate(${node.x},${node.y})` },
      s('path', { d: `M0,${ry} A${w / 2},${ry} 0 0 1 ${w},${ry} V${hgt - ry} A${w / 2},${ry} 0 0 1 0,${hgt - ry} Z M0,${ry} A${w / 2},${ry} 0 0 0 ${w},${ry}` }),
      s('text', { class: 'name', x: w / 2, y: 24, 'text-anchor': 'middle' }, node.name),
      s('text', { class: 'meta', x: w / 2, y: 38, 'text-anchor': 'middle' }, node.meta),
    );
  }

  /** Highlights a node's calls and neighbours (or clears with undefined). */
  private highlight(id: string | undefined): void {
    for (const element of this.scene.querySelectorAll('.hl')) element.classList.remove('hl');
    this.svg.classList.toggle('highlighting', id !== undefined);
    if (id === undefined) return;
    this.nodeElements.get(id)?.classList.add('hl');
    for (const neighbour of this.graph?.neighbours.get(id) ?? []) this.nodeElements.get(neighbour)?.classList.add('hl');
    for (const edge of this.edgesOfNode.get(id) ?? []) {
      edge.classList.add('hl');
      edge.querySelector('path')?.setAttribute('marker-end', 'url(#arrow-hl)');
    }
    for (const edge of this.scene.querySelectorAll('.edge:not(.hl) path[marker-end="url(#arrow-hl)"]')) edge.setAttribute('marker-end', 'url(#arrow)');
  }

  private applySearch(): void {
    const visible = this.visible;
    for (const [id, element] of this.nodeElements) {
      const name = id.slice(2);
      element.classList.toggle('dim', Boolean(visible) && id.startsWith('s:') && !visible!.has(name));
    }
    for (const element of this.scene.querySelectorAll<SVGGElement>('.edge')) {
      const from = element.dataset.from;
      const to = element.dataset.to;
      element.classList.toggle('dim', Boolean(visible) && !(from && visible!.has(from)) && !(to && visible!.has(to)));
    }
  }

  private describe(): void {
    const graph = this.graph!;
    const services = [...this.nodeElements.keys()].filter((id) => id.startsWith('s:')).length;
    const edges = this.scene.querySelectorAll('.edge:not(.db-edge)').length;
    const matching = this.visible ? ` ${this.visible.size === 1 ? '1 service matches' : `${this.visible.size} services match`} the filter.` : '';
    this.caption.textContent = this.isolated
      ? `${this.isolated} and its ${services - 1} neighbour${services === 2 ? '' : 's'}: click it again, press Escape or Show all to see all ${graph.services.length} services.${matching}`
      : `${graph.services.length} service${graph.services.length === 1 ? '' : 's'}, ${edges} calling pair${edges === 1 ? '' : 's'}${graph.databases.length ? `, ${graph.databases.length} database${graph.databases.length === 1 ? '' : 's'}` : ''}.${matching || ' Hover a service to see its calls, click it to isolate it.'}`;
  }

  private renderInfo(catalog: Catalog, graph: ServiceGraph): void {
    const name = this.isolated;
    const service = name ? catalog.services.find((candidate) => candidate.name === name) : undefined;
    if (!service) {
      this.info.hidden = true;
      replaceChildren(this.info);
      return;
    }
    const out = graph.edges.filter((edge) => edge.from === service.name);
    const into = graph.edges.filter((edge) => edge.to === service.name);
    const databases = graph.databaseEdges.filter((edge) => edge.service === service.name);
    this.info.hidden = false;
    replaceChildren(
      this.info,
      h('h3', null, service.name),
      service.doc ? h('p', { class: 'doc' }, service.doc) : null,
      h('p', { class: 'muted' }, endpointCount(service.endpoints.length), ' · ', service.root),
      relationList('Calls', out.map((edge) => [edge.to, edge.endpoints.join(', ')])),
      relationList('Called by', into.map((edge) => [edge.from, edge.endpoints.join(', ')])),
      databases.length ? relationList('Databases', databases.map((edge) => [edge.database, edge.owner ? 'owner' : 'uses'])) : null,
      h('button', { type: 'button', class: 'link', onclick: () => this.handlers.onOpenService(service.name) }, 'Open in the service list'),
    );
  }

  // --- viewport -------------------------------------------------------------------------

  /** Shows the whole (isolated) diagram, centred. */
  fit(): void {
    if (this.size.width === 0) this.readSize();
    const { width, height } = this.size;
    if (width === 0 || height === 0 || this.bounds.width === 0) return;
    const k = clamp(Math.min(width / this.bounds.width, height / this.bounds.height, 1.5) * 0.96, MIN_ZOOM, MAX_ZOOM);
    this.view = { k, x: (width - this.bounds.width * k) / 2, y: (height - this.bounds.height * k) / 2 };
    this.hasView = true;
    this.applyView();
  }

  private zoomBy(factor: number, cx = this.size.width / 2, cy = this.size.height / 2): void {
    const k = clamp(this.view.k * factor, MIN_ZOOM, MAX_ZOOM);
    const ratio = k / this.view.k;
    this.view = { k, x: cx - (cx - this.view.x) * ratio, y: cy - (cy - this.view.y) * ratio };
    this.hasView = true;
    this.applyView();
  }

  private applyView(): void {
    const { x, y, k } = this.view;
    this.scene.setAttribute('transform', `translate(${round(x)},${round(y)}) scale(${Math.round(k * 10000) / 10000})`);
    this.svg.classList.toggle('far', k < LABEL_ZOOM);
    // The part in view, in the diagram's own coordinates; the overview shows only when something is out of view.
    const left = -x / k;
    const top = -y / k;
    const width = this.size.width / k;
    const height = this.size.height / k;
    this.minimapView.setAttribute('x', String(round(left)));
    this.minimapView.setAttribute('y', String(round(top)));
    this.minimapView.setAttribute('width', String(round(width)));
    this.minimapView.setAttribute('height', String(round(height)));
    const outside = left > 1 || top > 1 || left + width < this.bounds.width - 1 || top + height < this.bounds.height - 1;
    this.minimap.classList.toggle('shown', outside && this.bounds.width > 0);
  }

  /** Centres the view on the point of the overview under the pointer. */
  private onMinimap(event: PointerEvent): void {
    event.preventDefault();
    const matrix = this.minimap.getScreenCTM();
    if (!matrix) return;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    this.view = { k: this.view.k, x: this.size.width / 2 - point.x * this.view.k, y: this.size.height / 2 - point.y * this.view.k };
    this.hasView = true;
    this.applyView();
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = this.svg.getBoundingClientRect();
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    this.zoomBy(Math.exp(-delta * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.drag = { id: event.pointerId, x: event.clientX, y: event.clientY, view: { ...this.view }, moved: false };
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.id !== event.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add('panning');
    }
    this.view = { k: drag.view.k, x: drag.view.x + dx, y: drag.view.y + dy };
    this.hasView = true;
    this.applyView();
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.id !== event.pointerId) return;
    this.drag = undefined;
    if (drag.moved) {
      this.suppressClick = true;
      this.svg.classList.remove('panning');
      if (this.svg.hasPointerCapture(event.pointerId)) this.svg.releasePointerCapture(event.pointerId);
      // No click follows a drag that ended outside: forget the suppression on the next turn.
      setTimeout(() => (this.suppressClick = false), 0);
    }
  }

  /** Clicks, hovers and keys on nodes, handled once for the whole diagram rather than on each node. */
  private onNodeClick(event: MouseEvent): void {
    const node = nodeOf(event.target);
    const service = node?.dataset.service;
    if (service) this.handlers.onIsolate(service === this.isolated ? undefined : service);
  }

  private onNodeHover(event: PointerEvent): void {
    const over = event.type === 'pointerover';
    const entered = nodeOf(over ? event.target : event.relatedTarget);
    const left = nodeOf(over ? event.relatedTarget : event.target);
    if (entered === left) return;
    this.highlight(entered ? nodeId(entered) : undefined);
  }

  private onKey(event: KeyboardEvent): void {
    const node = nodeOf(event.target);
    if (node?.dataset.service && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      this.handlers.onIsolate(node.dataset.service === this.isolated ? undefined : node.dataset.service);
      return;
    }
    const step = 60;
    const pan = (dx: number, dy: number) => {
      this.view = { ...this.view, x: this.view.x + dx, y: this.view.y + dy };
      this.hasView = true;
      this.applyView();
    };
    switch (event.key) {
      case '+':
      case '=':
        this.zoomBy(1.25);
        break;
      case '-':
      case '_':
        this.zoomBy(0.8);
        break;
      case '0':
        this.fit();
        break;
      case 'ArrowLeft':
        pan(step, 0);
        break;
      case 'ArrowRight':
        pan(-step, 0);
        break;
      case 'ArrowUp':
        pan(0, step);
        break;
      case 'ArrowDown':
        pan(0, -step);
        break;
      case 'Escape':
        if (!this.isolated) return;
        this.handlers.onIsolate(undefined);
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}

/** The diagram node an event happened in, if any. */
function nodeOf(target: EventTarget | null): SVGGElement | undefined {
  return target instanceof Element ? ((target.closest('.node') as SVGGElement | null) ?? undefined) : undefined;
}

function nodeId(node: SVGGElement): string {
  return node.dataset.service !== undefined ? serviceNode(node.dataset.service) : databaseNode(node.dataset.database ?? '');
}

function arrowMarker(id: string, className: string): SVGMarkerElement {
  return s(
    'marker',
    { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', class: className },
    s('path', { d: 'M0,0 L10,5 L0,10 z' }),
  );
}

function relationList(title: string, items: [string, string][]): HTMLElement {
  return h(
    'div',
    { class: 'relations' },
    h('h4', null, title),
    items.length === 0 ? h('p', { class: 'muted' }, 'none') : h('ul', null, items.map(([name, detail]) => h('li', null, h('strong', null, name), detail ? ` · ${detail}` : ''))),
  );
}

/** A smooth path through dagre's points: a uniform B-spline, as d3's curveBasis draws it. */
export function curve(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const p = (x: number, y: number) => `${round(x)},${round(y)}`;
  if (points.length < 3) return `M${points.map((point) => p(point.x, point.y)).join('L')}`;
  let x0 = points[0].x;
  let y0 = points[0].y;
  let x1 = points[1].x;
  let y1 = points[1].y;
  let d = `M${p(x0, y0)}L${p((5 * x0 + x1) / 6, (5 * y0 + y1) / 6)}`;
  const bezier = (x: number, y: number) => {
    d += `C${p((2 * x0 + x1) / 3, (2 * y0 + y1) / 3)} ${p((x0 + 2 * x1) / 3, (y0 + 2 * y1) / 3)} ${p((x0 + 4 * x1 + x) / 6, (y0 + 4 * y1 + y) / 6)}`;
    x0 = x1;
    y0 = y1;
    x1 = x;
    y1 = y;
  };
  for (let i = 2; i < points.length; i++) bezier(points[i].x, points[i].y);
  bezier(x1, y1);
  return `${d}L${p(x1, y1)}`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * A few lines of DOM building instead of a framework: elements with attributes, listeners
 * and children. Text always goes in as text nodes, so names and doc comments from the
 * catalog can never become markup. No `style` attribute: the page's Content-Security-Policy
 * allows only its own style sheet.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];
type AttributeValue = string | number | boolean | null | undefined;
export type Attributes = { [name: string]: AttributeValue | ((event: never) => void) };

let svgNamespace: string | undefined;

/**
 * The SVG namespace, read from an element the HTML parser made: the page holds no URL text
 * at all, so that a look at it proves it names no other host.
 */
function svgNs(): string {
  if (svgNamespace === undefined) {
    const probe = document.createElement('div');
    probe.innerHTML = '<svg></svg>';
    svgNamespace = probe.firstElementChild?.namespaceURI ?? '';
  }
  return svgNamespace;
}

/**
 * An HTML element.
 *
 * @example
 * h('button', { type: 'button', class: 'primary', onclick: () => reset() }, 'Show all');
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes?: Attributes | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attributes, children);
}

/** An SVG element, with the same attribute and child rules as {@link h}. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attributes?: Attributes | null, ...children: Child[]): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(svgNs(), tag) as SVGElementTagNameMap[K], attributes, children);
}

function fill<E extends Element>(element: E, attributes: Attributes | null | undefined, children: readonly Child[]): E {
  if (attributes) {
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value === 'function') element.addEventListener(name.slice(2), value as EventListener);
      else if (value === true) element.setAttribute(name, '');
      else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(typeof child === 'number' ? String(child) : (child as Node | string));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = '';
  append(parent, children);
}

/** A CSS-safe fragment for ids built from service and endpoint names. */
export function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}

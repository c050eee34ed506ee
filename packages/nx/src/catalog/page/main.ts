import { CatalogPage } from './app';
import { h } from './dom';
import { readEmbedded } from './embedded';
import type { DiagramLayout } from './layout';
import { connectLive, isCatalog } from './live';

/**
 * The page's entry: draws the catalog embedded in the page (`#topo-catalog`), then, when
 * nx serve answers, follows the served one.
 */
async function start(): Promise<void> {
  performance.mark('topo:script-start');
  const root = document.getElementById('topo-app');
  if (!root) return;
  // The catalog, and the whole diagram laid out when the page was rendered (without it the page lays it out itself).
  const [catalog, laid] = await Promise.all(['topo-catalog', 'topo-layout'].map((id) => readElement(id)));
  if (!isCatalog(catalog)) {
    root.append(h('p', { class: 'error' }, 'This page holds no readable catalog: run nx run <app>:catalog again, or open catalog.json beside it.'));
    return;
  }
  const layouts = laid && typeof laid === 'object' && Array.isArray((laid as DiagramLayout).nodes) ? [laid as DiagramLayout] : [];
  const page = new CatalogPage(root, catalog, layouts);
  await connectLive({ onCatalog: (next) => page.update(next), onState: (state) => page.setLive(state) });
}

async function readElement(id: string): Promise<unknown> {
  const element = document.getElementById(id);
  try {
    return element ? await readEmbedded(element) : undefined;
  } catch {
    return undefined;
  }
}

void start();

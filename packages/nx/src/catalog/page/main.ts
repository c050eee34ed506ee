import { CatalogPage } from './app';
import { h } from './dom';
import { readEmbeddedCatalog } from './embedded';
import { connectLive, isCatalog } from './live';

/**
 * The page's entry: draws the catalog embedded in the page (`#topo-catalog`), then, when
 * nx serve answers, follows the served one.
 */
async function start(): Promise<void> {
  performance.mark('topo:script-start');
  const root = document.getElementById('topo-app');
  const embedded = document.getElementById('topo-catalog');
  if (!root) return;
  let catalog: unknown;
  try {
    catalog = embedded ? await readEmbeddedCatalog(embedded) : undefined;
  } catch {
    catalog = undefined;
  }
  if (!isCatalog(catalog)) {
    root.append(h('p', { class: 'error' }, 'This page holds no readable catalog: run nx run <app>:catalog again, or open catalog.json beside it.'));
    return;
  }
  const page = new CatalogPage(root, catalog);
  await connectLive({ onCatalog: (next) => page.update(next), onState: (state) => page.setLive(state) });
}

void start();

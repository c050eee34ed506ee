import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { context, type BuildContext, type Metafile } from 'esbuild';
import { processBundleOptions } from './bundle';
import { renderEntry } from './entry';
import { assertOwnCodeOnly } from './foreign-code';
import type { ProcessPlan } from '../app/process-plan';

export interface BuiltBundle {
  name: string;
  bundleFile: string;
  /** True when the bundle's bytes differ from the previous build (always true the first time). */
  changed: boolean;
}

/**
 * The bundles of one app's processes, rebuilt incrementally: each process keeps an esbuild
 * context, so a rebuild after an edit costs milliseconds.
 */
export class ProcessBundles {
  private readonly contexts = new Map<string, BuildContext>();
  private readonly hashes = new Map<string, string>();
  private readonly metafiles = new Map<string, Metafile>();

  constructor(
    private readonly app: string,
    private readonly workspaceRoot: string,
    private readonly outDir: string,
  ) {
    mkdirSync(outDir, { recursive: true });
  }

  /** Writes each plan's entry and bundles it; throws with esbuild's messages when code does not build. */
  async build(plans: ProcessPlan[]): Promise<BuiltBundle[]> {
    return Promise.all(plans.map((plan) => this.buildOne(plan)));
  }

  /** Absolute paths of every source file that went into some bundle. */
  inputFiles(): string[] {
    const files = new Set<string>();
    for (const metafile of this.metafiles.values()) {
      for (const input of Object.keys(metafile.inputs)) files.add(resolve(this.workspaceRoot, input));
    }
    return [...files];
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.contexts.values()].map((ctx) => ctx.dispose()));
    this.contexts.clear();
  }

  private async buildOne(plan: ProcessPlan): Promise<BuiltBundle> {
    const entryFile = join(this.outDir, `${plan.name}.entry.js`);
    const bundleFile = join(this.outDir, `${plan.name}.js`);
    const entry = renderEntry(this.app, plan);
    if (readIfExists(entryFile) !== entry) writeFileSync(entryFile, entry);

    let ctx = this.contexts.get(plan.name);
    if (!ctx) {
      ctx = await context(processBundleOptions(entryFile, bundleFile, this.workspaceRoot));
      this.contexts.set(plan.name, ctx);
    }
    const result = await ctx.rebuild().catch((error: { errors?: { text: string; location?: { file: string; line: number } }[] }) => {
      const details = (error.errors ?? []).map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
      throw new Error(`Process ${plan.name} of app ${this.app} does not build:\n${details.join('\n') || String(error)}`);
    });
    if (result.metafile) {
      this.metafiles.set(plan.name, result.metafile);
      if (plan.kind === 'process') assertOwnCodeOnly(this.app, plan, result.metafile, this.workspaceRoot);
    }

    const hash = createHash('sha256').update(readFileSync(bundleFile)).digest('hex');
    const changed = this.hashes.get(plan.name) !== hash;
    this.hashes.set(plan.name, hash);
    return { name: plan.name, bundleFile, changed };
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

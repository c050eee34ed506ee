import * as fs from 'node:fs';
import * as path from 'node:path';
import { type RunOptions, runNxOrThrow } from './run-command';

export interface GraphProject {
  name: string;
  type: string;
  data: { root: string; tags?: string[]; targets?: Record<string, unknown> };
}

export interface GraphDependency {
  source: string;
  target: string;
  type: string;
}

export interface ProjectGraph {
  nodes: Record<string, GraphProject>;
  dependencies: Record<string, GraphDependency[]>;
}

/**
 * The workspace's project graph as `nx graph --file` writes it. The file goes beside the
 * workspace, not into it, so that the workspace holds only what the user and Topo wrote.
 */
export async function readProjectGraph(root: string, options: Omit<RunOptions, 'cwd'> = {}): Promise<ProjectGraph> {
  const file = path.join(path.dirname(root), `graph-${Date.now()}.json`);
  await runNxOrThrow(root, ['graph', `--file=${file}`], options);
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { graph: ProjectGraph }).graph;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** The names of the projects `source` depends on directly. */
export function dependenciesOf(graph: ProjectGraph, source: string): string[] {
  return (graph.dependencies[source] ?? []).map((dependency) => dependency.target).sort();
}

const NOT_USER_CODE = new Set(['node_modules', '.git', '.nx', 'dist', 'out-tsc', 'tmp']);

/** Every file called `fileName` in the workspace, outside node_modules and build output. */
export function findWorkspaceFiles(root: string, fileName: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!NOT_USER_CODE.has(entry.name)) visit(path.join(dir, entry.name));
      } else if (entry.name === fileName) {
        found.push(path.join(dir, entry.name));
      }
    }
  };
  visit(root);
  return found.sort();
}

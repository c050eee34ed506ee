import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface HiddenCommand {
  /** PATH as it was, with every folder holding the command replaced by a copy without it. */
  path: string;
  dispose(): void;
}

/**
 * A PATH on which `command` cannot be found while everything else still is: each folder of
 * `path` that holds it is replaced by a temporary folder of symbolic links to its other
 * entries (node and podman share /usr/bin on Debian, so the folder cannot simply be left out).
 */
export function pathWithout(command: string, path = process.env.PATH ?? ''): HiddenCommand {
  const made: string[] = [];
  const folders = path.split(delimiter).map((folder) => {
    if (!folder || !existsSync(join(folder, command))) return folder;
    const shadow = mkdtempSync(join(tmpdir(), `topo-without-${command}-`));
    made.push(shadow);
    for (const entry of readdirSync(folder)) if (entry !== command) symlinkSync(join(folder, entry), join(shadow, entry));
    return shadow;
  });
  return {
    path: folders.join(delimiter),
    dispose: () => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })),
  };
}

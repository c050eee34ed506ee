import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

/** One command line of a shell block of the guide, and the comment after it, if any. */
export interface GuideLine {
  command: string;
  comment?: string;
}

/** The commands of docs/getting-started.md that the suite runs, block by block, in the guide's order. */
export interface GettingStarted {
  /** "Install in your workspace", from the release tarballs: the block that names the `.tgz` files. */
  fromTarballs: GuideLine[];
  /** "Services": the block under that heading. */
  services: GuideLine[];
  /** The guide's TypeScript blocks whose first line names the file they are (`// packages/api/...`). */
  files: { path: string; text: string }[];
}

export const GETTING_STARTED = path.join(repoRoot, 'docs', 'getting-started.md');

/**
 * Reads the guide the e2e suite follows line by line: a change to its commands changes what
 * the suite runs, so the guide cannot drift from what works.
 */
export function readGettingStarted(file = GETTING_STARTED): GettingStarted {
  const blocks: { heading: string; lang: string; lines: string[] }[] = [];
  let heading = '';
  let open: { heading: string; lang: string; lines: string[] } | undefined;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push(open);
        open = undefined;
      } else open.lines.push(line);
    } else if (line.startsWith('```')) open = { heading, lang: line.slice(3).trim(), lines: [] };
    else if (line.startsWith('## ')) heading = line.slice(3).trim();
  }
  const shell = blocks.filter((block) => block.lang === 'sh');
  const fromTarballs = shell.find((block) => block.heading === 'Install in your workspace' && block.lines.some((line) => line.includes('.tgz')));
  const services = shell.find((block) => block.heading === 'Services');
  if (!fromTarballs || !services) {
    throw new Error(`${file}: the e2e suite follows its "Install in your workspace" block that installs the .tgz files and its "Services" block; one is missing.`);
  }
  const files = blocks
    .filter((block) => block.lang === 'ts' && /^\/\/ \S+\.ts$/.test(block.lines[0] ?? ''))
    .map((block) => ({ path: block.lines[0].slice(3), text: `${block.lines.slice(1).join('\n')}\n` }));
  return { fromTarballs: commandsOf(fromTarballs.lines), services: commandsOf(services.lines), files };
}

function commandsOf(lines: readonly string[]): GuideLine[] {
  return lines
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .map((line) => {
      const [command, ...comment] = line.split(/\s+#\s+/);
      return { command: command.trim(), ...(comment.length ? { comment: comment.join(' # ').trim() } : {}) };
    });
}

/** A guide command's words, with the guide's `./path/to/` (where the user keeps the tarballs) made `tarballDir`. */
export function guideArgs(line: GuideLine, tarballDir: string): string[] {
  return line.command.replaceAll('./path/to/', `${tarballDir}/`).split(/\s+/);
}

import type * as TS from 'typescript';
import { bindingNamesIn, readModuleSyntax, type TestHostSyntax, typescript } from '../../../analysis';
import { removeImportedNames, unusedImports } from '../../utils/import-edits';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';

/** What the hosts of one test module are checked against. */
export interface TestHostContext {
  /**
   * Whether the `service:` of an entry names the remaining service: a default import of its
   * service.ts (the merged service's is respelled to it already), given the specifier.
   */
  hostsRemaining(specifier: string): boolean;
  /** The module is a test of the remaining service: its code runs in the test's own process. */
  ownTest: boolean;
}

/**
 * A test module's hosts after the merge. The split hosted, in a test, the services its code
 * reached through a client; merged, those calls are calls inside one service again:
 *
 * - in a test of the remaining service, an entry that hosts it (the merged service's entry
 *   names it now) goes: the code under test calls its own endpoints directly;
 * - elsewhere, the entries that host it become one: the endpoints of the others join the first;
 * - a host the split added (its comment says so) that is left with no entry goes whole, with
 *   the `afterAll(() => host.close())` that closes it;
 *
 * and the imports only what went used go too.
 *
 * @example
 * updateTestHosts('apps/bank/services/accounts/accounts.spec.ts', text, { hostsRemaining: (s) => s === './service', ownTest: true });
 */
export function updateTestHosts(file: string, text: string, context: TestHostContext): string {
  const module = readModuleSyntax(file, text);
  if (module.hosts.length === 0) return text;
  const sourceFile = module.sourceFile;
  const specifierOf = new Map(module.imports.flatMap((statement) => statement.bindings.filter((b) => b.imported === 'default').map((b) => [b.local, statement.specifier] as const)));
  const edits: TextEdit[] = [];
  const removed: TS.Node[] = [];
  for (const host of module.hosts) {
    const remaining = host.entries.filter((entry) => entry.service !== undefined && specifierOf.has(entry.service) && context.hostsRemaining(specifierOf.get(entry.service)!));
    const gone = new Set<TS.Expression>(context.ownTest ? remaining.map((entry) => entry.node) : remaining.slice(1).map((entry) => entry.node));
    if (!context.ownTest && remaining.length > 1) edits.push(...joinEndpoints(sourceFile, remaining.map((entry) => entry.node)));
    if (gone.size === 0) continue;
    if (host.addedBySplit && gone.size === host.entries.length) {
      edits.push(...removeHost(sourceFile, host));
      removed.push(host.statement, ...host.closers);
      continue;
    }
    edits.push(...removeElements(sourceFile, host.services.elements, gone));
    removed.push(...gone);
  }
  if (removed.length === 0 && edits.length === 0) return text;
  const result = applyTextEdits(text, edits);
  const candidates = new Set<string>();
  for (const node of removed) bindingNamesIn(node, candidates);
  const unused = unusedImports(result, file, candidates);
  return unused.size ? removeImportedNames(result, file, unused) : result;
}

/**
 * The host's statement, with the comments above it, and the statements that close it, each
 * with its line; where that leaves two blank lines in a row, one goes too.
 */
function removeHost(sourceFile: TS.SourceFile, host: TestHostSyntax): TextEdit[] {
  const ts = typescript();
  const text = sourceFile.text;
  const ranges = [host.statement, ...host.closers]
    .map((statement) => {
      const comments = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
      // The comments right above it, not a file header set apart by a blank line.
      let start = statement.getStart(sourceFile);
      for (let i = comments.length - 1; i >= 0 && !text.slice(comments[i].end, start).includes('\n\n'); i--) start = comments[i].pos;
      let end = statement.end;
      while (text[end] === ' ' || text[end] === '\t') end++;
      if (text[end] === '\n') end++;
      return { start: text.lastIndexOf('\n', start - 1) + 1, end };
    })
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && text.slice(last.end, range.start).trim() === '' && !text.slice(last.end, range.start).includes('\n')) last.end = range.end;
    else merged.push({ ...range });
  }
  return merged.map(({ start, end }) => {
    const blankBefore = text.slice(0, start).endsWith('\n\n');
    const blankAfter = text[end] === '\n' || end >= text.length;
    return { start: blankBefore && blankAfter ? start - 1 : start, end, text: '' };
  });
}

/** Removes some elements of an array literal, with their commas. */
function removeElements(sourceFile: TS.SourceFile, elements: TS.NodeArray<TS.Expression>, gone: ReadonlySet<TS.Node>): TextEdit[] {
  const edits: TextEdit[] = [];
  const text = sourceFile.text;
  for (let i = 0; i < elements.length; i++) {
    if (!gone.has(elements[i])) continue;
    let j = i;
    while (j + 1 < elements.length && gone.has(elements[j + 1])) j++;
    if (j + 1 < elements.length) edits.push({ start: elements[i].getStart(sourceFile), end: elements[j + 1].getStart(sourceFile), text: '' });
    else if (i > 0) edits.push({ start: elements[i - 1].end, end: elements[j].end, text: '' });
    else {
      let end = elements[j].end;
      while (end < text.length && ' \t\r\n'.includes(text[end])) end++;
      if (text[end] === ',') end++;
      edits.push({ start: elements[i].getStart(sourceFile), end, text: '' });
    }
    i = j;
  }
  return edits;
}

/** The endpoints of every entry after the first join the first's `endpoints: [...]`. */
function joinEndpoints(sourceFile: TS.SourceFile, entries: readonly TS.Expression[]): TextEdit[] {
  const ts = typescript();
  const arrays = entries.map((entry) => {
    if (!ts.isObjectLiteralExpression(entry)) return undefined;
    const property = entry.properties.find((p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sourceFile) === 'endpoints');
    return property && ts.isArrayLiteralExpression(property.initializer) ? property.initializer : undefined;
  });
  const [first, ...others] = arrays;
  if (!first || others.some((array) => !array)) return [];
  const added = others.flatMap((array) => array!.elements.map((element) => element.getText(sourceFile)));
  const last = first.elements.at(-1);
  if (!last) return [{ start: first.getStart(sourceFile) + 1, end: first.getStart(sourceFile) + 1, text: added.join(', ') }];
  const text = sourceFile.text;
  const lineStart = text.lastIndexOf('\n', last.getStart(sourceFile) - 1) + 1;
  const multiline = text.slice(first.getStart(sourceFile), last.getStart(sourceFile)).includes('\n');
  const indent = text.slice(lineStart, last.getStart(sourceFile));
  const separator = multiline ? `,\n${indent}` : ', ';
  return [{ start: last.end, end: last.end, text: added.map((element) => `${separator}${element}`).join('') }];
}

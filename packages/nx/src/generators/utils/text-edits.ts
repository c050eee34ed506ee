import { applyChangesToString, ChangeType, type StringChange } from '@nx/devkit';

/** Replaces `text.slice(start, end)` with `text`: a removal when `text` is empty, an insertion when `start === end`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits, given as offsets into the original `text`, through the
 * devkit's `applyChangesToString`. At one offset an insertion goes before a replacement
 * that starts there. Overlapping edits are a bug in the generator, and throw.
 *
 * @example
 * applyTextEdits('abcdef', [{ start: 1, end: 3, text: '' }, { start: 1, end: 1, text: 'X' }]); // 'aXdef'
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const changes: StringChange[] = [];
  let reached = 0;
  for (const edit of sorted) {
    if (edit.start < reached) throw new Error(`Overlapping edits at ${edit.start}-${edit.end}; this is a bug in the generator.`);
    if (edit.text !== '') changes.push({ type: ChangeType.Insert, index: edit.start, text: edit.text });
    if (edit.end > edit.start) changes.push({ type: ChangeType.Delete, start: edit.start, length: edit.end - edit.start });
    reached = Math.max(reached, edit.end);
  }
  return applyChangesToString(text, changes);
}

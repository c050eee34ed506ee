/** Why a split cannot be done safely: where, what, and what to do about it. */
export interface SplitProblem {
  /** Workspace-relative file. */
  file: string;
  /** 1-based line. */
  line: number;
  message: string;
  fix: string;
}

/**
 * The refusal of a split: every problem found, one paragraph each (`file:line: message`,
 * then the fix), and a reminder that nothing was changed.
 */
export function refusal(problems: readonly SplitProblem[]): Error {
  const unique = [...new Map(problems.map((p) => [`${p.file}:${p.line}:${p.message}`, p])).values()].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line,
  );
  const text = unique.map((p) => `${p.file}:${p.line}: ${p.message}\n  ${p.fix}`).join('\n\n');
  return new Error(`Cannot split safely; nothing was changed.\n\n${text}`);
}

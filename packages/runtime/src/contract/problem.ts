/**
 * A rule of the endpoint contract that a value breaks: what is wrong and what to do. The
 * runtime throws it at start; the static analysis reports it at `nx graph`, `nx serve` and
 * `nx build` time, with the same words.
 *
 * @example
 * ```ts
 * const problem: ContractProblem = { message: 'unknown method "get"', fix: 'Use one of GET, POST, PUT, PATCH, DELETE, HEAD.' };
 * ```
 */
export interface ContractProblem {
  readonly message: string;
  readonly fix: string;
}

/** A value that passed its rule, or the problem it has. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ContractProblem };

export function accepted<T>(value: T): Checked<T> {
  return { ok: true, value };
}

export function refused<T = never>(message: string, fix: string): Checked<T> {
  return { ok: false, problem: { message, fix } };
}

/** The one sentence both sides print: `<message>: <fix>`. */
export function describeProblem(problem: ContractProblem): string {
  return `${problem.message}; ${problem.fix[0].toLowerCase()}${problem.fix.slice(1)}`;
}

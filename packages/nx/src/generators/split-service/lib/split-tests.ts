import type * as TS from 'typescript';
import type { ModuleDeclarations, TopLevelReference, TopLevelStatement } from '../../../analysis';
import type { Side } from './classify-declarations';
import type { SplitProblem } from './split-problem';

/** How one test file of the source service is divided between the two services. */
export interface TestFileSplit {
  file: string;
  /** Where the part that moves is written. */
  newFile: string;
  /** Statements (imports aside) that stay in `file`; none: the file is deleted. */
  stay: TopLevelStatement[];
  /** Statements (imports aside) that go to `newFile`; a helper both parts use is in both. */
  move: TopLevelStatement[];
  /** Inside a `describe` both parts keep: the blocks each part leaves out. */
  omitFromStay: Map<TopLevelStatement, TS.Node[]>;
  omitFromMove: Map<TopLevelStatement, TS.Node[]>;
}

export interface TestSplitContext {
  typescript: typeof TS;
  sides: ReadonlyMap<TopLevelStatement, Side>;
  newFile(file: string): string;
  from: string;
  to: string;
}

/**
 * Divides each test file by what its tests use. A test file that uses only moved code
 * moves; one that uses none stays. In a file that uses both, each top-level statement goes
 * with the code it uses; a `describe` that uses both is divided the same way, block by
 * block, into a `describe` of the same name in each file. Local helpers go with the tests
 * that use them (to both files when both do) and setup that uses neither (`beforeEach`) is
 * kept in both. A test that uses both sides cannot be divided: that is a problem, since a
 * test of the remaining code cannot call a moved endpoint without a running host.
 *
 * @example
 * splitTests([helloSpec], { typescript, sides, newFile: () => 'apps/api/services/yo/yo.spec.ts', from: 'hello', to: 'yo' }, problems);
 */
export function splitTests(modules: readonly ModuleDeclarations[], context: TestSplitContext, problems: SplitProblem[]): TestFileSplit[] {
  return modules.map((module) => new TestFileDivider(module, context, problems).split());
}

interface Uses {
  move?: string;
  stay?: string;
}

class TestFileDivider {
  private readonly statements: TopLevelStatement[];
  private readonly local: Set<TopLevelStatement>;
  private readonly memo = new Map<TopLevelStatement, Uses>();

  constructor(
    private readonly module: ModuleDeclarations,
    private readonly context: TestSplitContext,
    private readonly problems: SplitProblem[],
  ) {
    this.statements = module.statements.filter((s) => s.kind !== 'import');
    this.local = new Set(this.statements);
  }

  split(): TestFileSplit {
    const { statements } = this;
    const result: TestFileSplit = {
      file: this.module.file,
      newFile: this.context.newFile(this.module.file),
      stay: [],
      move: [],
      omitFromStay: new Map(),
      omitFromMove: new Map(),
    };
    const all = statements.map((s) => this.usesOf(s));
    if (!all.some((u) => u.move)) return { ...result, stay: statements };
    if (!all.some((u) => u.stay)) return { ...result, move: statements };

    const toMove: TopLevelReference[] = [];
    const toStay: TopLevelReference[] = [];
    for (const root of statements.filter((s) => s.kind === 'other')) {
      const uses = this.usesOf(root);
      if (uses.move && uses.stay) {
        const divided = this.divide(root, root.node);
        if (!divided) continue;
        result.omitFromStay.set(root, divided.stay);
        result.omitFromMove.set(root, divided.move);
        toStay.push(...this.referencesOf(root, divided.stay));
        toMove.push(...this.referencesOf(root, divided.move));
        continue;
      }
      if (uses.move || !uses.stay) toMove.push(...root.references);
      if (uses.stay || !uses.move) toStay.push(...root.references);
    }
    const moving = this.reach(toMove);
    const staying = this.reach(toStay);
    const roots = (side: 'stay' | 'move') =>
      statements.filter((s) => s.kind === 'other' && (side === 'move' ? this.goes(s, 'move', result) : this.goes(s, 'stay', result)));
    const moveRoots = new Set(roots('move'));
    const stayRoots = new Set(roots('stay'));
    return {
      ...result,
      // Declarations no test uses stay where they are.
      stay: statements.filter((s) => stayRoots.has(s) || (s.kind !== 'other' && (staying.has(s) || !moving.has(s)))),
      move: statements.filter((s) => moveRoots.has(s) || (s.kind !== 'other' && moving.has(s))),
    };
  }

  private goes(root: TopLevelStatement, side: 'stay' | 'move', result: TestFileSplit): boolean {
    if (result.omitFromStay.has(root)) return true;
    const uses = this.usesOf(root);
    if (uses.move && uses.stay) return false;
    return side === 'move' ? !!uses.move || !uses.stay : !!uses.stay || !uses.move;
  }

  /** What a statement uses of the source's code, through the file's own helpers too. */
  private usesOf(statement: TopLevelStatement, visiting = new Set<TopLevelStatement>()): Uses {
    const known = this.memo.get(statement);
    if (known) return known;
    visiting.add(statement);
    const uses = this.usesThrough(statement.references, visiting);
    visiting.delete(statement);
    this.memo.set(statement, uses);
    return uses;
  }

  private usesThrough(references: readonly TopLevelReference[], visiting = new Set<TopLevelStatement>()): Uses {
    const uses: Uses = {};
    for (const reference of references) {
      const target = reference.target;
      const side = target && this.context.sides.get(target);
      if (side === 'move') uses.move ??= reference.node.text;
      if (side === 'stay') uses.stay ??= reference.node.text;
      if (target && this.local.has(target) && !visiting.has(target)) {
        const inner = this.usesOf(target, visiting);
        uses.move ??= inner.move;
        uses.stay ??= inner.stay;
      }
    }
    return uses;
  }

  /**
   * Divides a `describe(...)` whose callback uses both sides: the blocks inside it that each
   * side leaves out. Undefined (with a problem) when a block that uses both is no describe.
   */
  private divide(root: TopLevelStatement, node: TS.Node): { stay: TS.Node[]; move: TS.Node[] } | undefined {
    const body = describeBody(this.context.typescript, node);
    if (!body) {
      this.refuse(root, node);
      return undefined;
    }
    const omitted = { stay: [] as TS.Node[], move: [] as TS.Node[] };
    for (const inner of body.statements) {
      const uses = this.usesThrough(root.references.filter((r) => within(r.node, inner)));
      if (uses.move && uses.stay) {
        const nested = this.divide(root, inner);
        if (!nested) return undefined;
        omitted.stay.push(...nested.stay);
        omitted.move.push(...nested.move);
      } else if (uses.move) omitted.stay.push(inner);
      else if (uses.stay) omitted.move.push(inner);
    }
    return omitted;
  }

  private refuse(root: TopLevelStatement, node: TS.Node): void {
    const uses = this.usesThrough(root.references.filter((r) => within(r.node, node)));
    const sourceFile = this.module.sourceFile;
    this.problems.push({
      file: this.module.file,
      line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1,
      message:
        `This test uses both code that moves to "${this.context.to}" (${uses.move}) and code that stays in "${this.context.from}" (${uses.stay}); ` +
        `a test of one service cannot call the other's code directly.`,
      fix: `Split it into a test of the moved code and a test of the code that stays, then run the split again.`,
    });
  }

  private referencesOf(statement: TopLevelStatement, omitted: readonly TS.Node[]): TopLevelReference[] {
    return statement.references.filter((r) => !omitted.some((node) => within(r.node, node)));
  }

  /** The file's own declarations that `references` need, transitively. */
  private reach(references: readonly TopLevelReference[]): Set<TopLevelStatement> {
    const reached = new Set<TopLevelStatement>();
    const queue = references.map((r) => r.target).filter((t): t is TopLevelStatement => !!t && this.local.has(t));
    for (let next = queue.pop(); next; next = queue.pop()) {
      if (reached.has(next)) continue;
      reached.add(next);
      queue.push(...next.references.map((r) => r.target).filter((t): t is TopLevelStatement => !!t && this.local.has(t)));
    }
    return reached;
  }
}

function within(node: TS.Node, container: TS.Node): boolean {
  return node.pos >= container.pos && node.end <= container.end;
}

/** The block of `describe('x', () => { ... })` (also `describe.each(...)(...)`, `describe.skip`). */
export function describeBody(ts: typeof TS, node: TS.Node): TS.Block | undefined {
  if (!ts.isExpressionStatement(node) || !ts.isCallExpression(node.expression)) return undefined;
  const call = node.expression;
  let callee: TS.Expression = call.expression;
  while (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) callee = callee.expression;
  if (!ts.isIdentifier(callee) || (callee.text !== 'describe' && callee.text !== 'suite')) return undefined;
  const callback = call.arguments[call.arguments.length - 1];
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) || !ts.isBlock(callback.body)) return undefined;
  return callback.body;
}

import type * as TS from 'typescript';
import type { ModuleDeclarations, TopLevelReference, TopLevelStatement } from '../../../analysis';
import type { Side } from './classify-declarations';

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
  /**
   * Kept whole on one side although it tests both: its calls to the other side's endpoints
   * become client calls, and it hosts the services it reaches, as the monolith does.
   */
  whole?: 'stay' | 'move';
}

export interface TestSplitContext {
  typescript: typeof TS;
  sides: ReadonlyMap<TopLevelStatement, Side>;
  newFile(file: string): string;
  /** Where the code of a file of the source goes: 'move' when all of it moves, 'stay' when some stays. */
  sideOfFile(file: string): Side | undefined;
}

/**
 * Divides each test file by what its tests run (types aside: a type is no call). A test
 * file that runs only moved code moves; one that runs none stays. A file that runs both is
 * divided when it divides cleanly: each top-level test, and each test inside a `describe`,
 * runs one side only, every hook (`beforeAll`, `beforeEach`...) runs only the side of the
 * tests beside it, and each part keeps at least one test. Local helpers go with the tests
 * that use them (to both files when both do), and setup that runs neither side goes to both.
 *
 * A file that does not divide cleanly (a test that sets up through one endpoint and checks
 * another, a `beforeAll` of one side before tests of the other) is kept whole, with the code
 * it is named after (`visits.spec.ts` with `visits.ts`), else with the side most of its tests
 * run: its calls to the other side become client calls, served by a host in the test.
 *
 * @example
 * splitTests([helloSpec], { typescript, sides, newFile: () => 'apps/api/services/yo/yo.spec.ts', sideOfFile });
 */
export function splitTests(modules: readonly ModuleDeclarations[], context: TestSplitContext): TestFileSplit[] {
  return modules.map((module) => new TestFileDivider(module, context).split());
}

interface Uses {
  move?: string;
  stay?: string;
}

const HOOKS = new Set(['beforeAll', 'beforeEach', 'afterAll', 'afterEach']);

/** The blocks each part leaves out, or undefined when the blocks do not divide cleanly. */
type Division = { stay: TS.Node[]; move: TS.Node[]; tests: { stay: number; move: number } } | undefined;

class TestFileDivider {
  private readonly statements: TopLevelStatement[];
  private readonly local: Set<TopLevelStatement>;
  private readonly memo = new Map<TopLevelStatement, Uses>();

  constructor(
    private readonly module: ModuleDeclarations,
    private readonly context: TestSplitContext,
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

    const roots = statements.filter((s) => s.kind === 'other');
    const division = this.divideBlocks(roots.map((root) => ({ root, node: root.node })));
    if (!division || division.tests.stay === 0 || division.tests.move === 0) {
      const side = this.wholeSide(division);
      return side === 'move' ? { ...result, move: statements, whole: 'move' } : { ...result, stay: statements, whole: 'stay' };
    }

    const toMove: TopLevelReference[] = [];
    const toStay: TopLevelReference[] = [];
    const omittedIn = (root: TopLevelStatement, nodes: TS.Node[]) => nodes.filter((node) => within(node, root.node) && node !== root.node);
    for (const root of roots) {
      const omitStay = omittedIn(root, division.stay);
      const omitMove = omittedIn(root, division.move);
      const stays = !division.stay.includes(root.node);
      const moves = !division.move.includes(root.node);
      if (stays) {
        if (omitStay.length) result.omitFromStay.set(root, omitStay);
        toStay.push(...this.referencesOf(root, omitStay));
      }
      if (moves) {
        if (omitMove.length) result.omitFromMove.set(root, omitMove);
        toMove.push(...this.referencesOf(root, omitMove));
      }
    }
    const moving = this.reach(toMove);
    const staying = this.reach(toStay);
    return {
      ...result,
      // Declarations no test uses stay where they are.
      stay: statements.filter((s) => (s.kind === 'other' ? !division.stay.includes(s.node) : staying.has(s) || !moving.has(s))),
      move: statements.filter((s) => (s.kind === 'other' ? !division.move.includes(s.node) : moving.has(s))),
    };
  }

  /**
   * Divides sibling blocks (the top level, or the body of a `describe`): each block goes to
   * the side it runs, or to both when it runs neither; a `describe` that runs both is divided
   * in turn. Undefined when a block that runs both is no `describe`, or a hook runs a side
   * that a test beside it does not.
   */
  private divideBlocks(blocks: readonly { root: TopLevelStatement; node: TS.Node }[]): Division {
    const division = { stay: [] as TS.Node[], move: [] as TS.Node[], tests: { stay: 0, move: 0 } };
    const hookSides = new Set<'stay' | 'move'>();
    const testSides = new Set<'stay' | 'move'>();
    for (const { root, node } of blocks) {
      const uses = this.usesThrough(this.referencesWithin(root, node));
      const hook = isHook(this.context.typescript, node);
      if (uses.move && uses.stay) {
        const body = describeBody(this.context.typescript, node);
        if (hook || !body) return undefined;
        const inner = this.divideBlocks(body.statements.map((statement) => ({ root, node: statement })));
        if (!inner) return undefined;
        division.stay.push(...inner.stay);
        division.move.push(...inner.move);
        division.tests.stay += inner.tests.stay;
        division.tests.move += inner.tests.move;
        testSides.add('stay').add('move');
        continue;
      }
      const side = uses.move ? 'move' : uses.stay ? 'stay' : undefined;
      if (side === undefined) continue;
      // Left out of the other part.
      division[side === 'move' ? 'stay' : 'move'].push(node);
      if (hook) hookSides.add(side);
      else {
        testSides.add(side);
        division.tests[side] += 1;
      }
    }
    for (const side of hookSides) if ([...testSides].some((other) => other !== side)) return undefined;
    return division;
  }

  /** The side a file kept whole goes to: with the module it is named after, else with most of its tests. */
  private wholeSide(division: Division): Side {
    const named = this.module.file.replace(/\.(spec|test)(\.[cm]?tsx?)$/, '$2');
    const side = this.context.sideOfFile(named);
    if (side === 'move' || side === 'stay') return side;
    if (division) return division.tests.move > division.tests.stay ? 'move' : 'stay';
    let move = 0;
    let stay = 0;
    for (const root of this.statements.filter((s) => s.kind === 'other')) {
      const uses = this.usesOf(root);
      if (uses.move) move++;
      if (uses.stay) stay++;
    }
    return move > stay ? 'move' : 'stay';
  }

  /** What a statement runs of the source's code, through the file's own helpers too. */
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
      if (reference.inType) continue;
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

  private referencesWithin(statement: TopLevelStatement, node: TS.Node): TopLevelReference[] {
    return node === statement.node ? statement.references : statement.references.filter((r) => within(r.node, node));
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

/** `beforeAll(...)`, `afterEach(...)`...: setup, not a test. */
function isHook(ts: typeof TS, node: TS.Node): boolean {
  return ts.isExpressionStatement(node) && ts.isCallExpression(node.expression) && ts.isIdentifier(node.expression.expression) && HOOKS.has(node.expression.expression.text);
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

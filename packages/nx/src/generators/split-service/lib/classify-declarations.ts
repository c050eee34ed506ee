import type { TopLevelStatement } from '../../../analysis';

/** Where a top-level declaration of the source service's code ends up. */
export type Side = 'stay' | 'move' | 'share';

/**
 * Decides, for each top-level statement of the source service's code (`statements`: its
 * files, tests, service.ts and client.ts excluded), whether it stays, moves to the new
 * service, or goes to the shared library:
 *
 * - what the moved endpoints use, transitively, inside the service is the closure; a
 *   reference to an endpoint is a call through a client, not a use, so it stops there; a
 *   module loaded with `import('...')` is used whole;
 * - what in the closure is also used by code that stays goes to the shared library, with
 *   everything it uses in turn; the rest of the closure moves;
 * - code that uses moved endpoints and nothing that stays, and that nothing that stays
 *   uses (a schedule `{ endpoint: checkAll }`), goes with them;
 * - endpoints never go to the shared library, and everything else stays.
 *
 * Statements declaring the same symbol (overloads, merged interfaces) get one side.
 * `kept` statements (outside `statements`: the source's service.ts, which the new service
 * gets a copy of) are on both sides: what they use is shared.
 *
 * @example
 * const sides = classifyDeclarations(statements, isEndpoint, [h2Statement]);
 * sides.get(responseInterface); // 'share': h1 (stays) and h2 (moves) both use it
 */
export function classifyDeclarations(
  statements: readonly TopLevelStatement[],
  isEndpoint: (statement: TopLevelStatement) => boolean,
  selected: readonly TopLevelStatement[],
  kept: readonly TopLevelStatement[] = [],
): Map<TopLevelStatement, Side> {
  const members = new Set(statements);
  const byFile = new Map<string, TopLevelStatement[]>();
  for (const statement of statements) {
    if (statement.kind !== 'import') byFile.set(statement.file, [...(byFile.get(statement.file) ?? []), statement]);
  }
  const unit = (statement: TopLevelStatement) => statement.group[0];
  const uses = (from: TopLevelStatement): TopLevelStatement[] => {
    const targets = new Set<TopLevelStatement>();
    for (const statement of from.group) {
      for (const reference of statement.references) {
        const target = reference.target;
        if (target && members.has(target) && unit(target) !== unit(from)) targets.add(unit(target));
      }
      for (const file of statement.loads) {
        for (const target of byFile.get(file) ?? []) if (unit(target) !== unit(from)) targets.add(unit(target));
      }
    }
    return [...targets];
  };

  const closure = (roots: Iterable<TopLevelStatement>, follow: (target: TopLevelStatement) => boolean) => {
    const reached = new Set<TopLevelStatement>();
    const queue = [...roots].map(unit);
    for (let next = queue.pop(); next; next = queue.pop()) {
      if (reached.has(next)) continue;
      reached.add(next);
      queue.push(...uses(next).filter(follow));
    }
    return reached;
  };

  const selectedUnits = new Set(selected.map(unit));
  const keptUses = kept.flatMap(uses).filter((target) => !isEndpoint(target));
  const follow = (target: TopLevelStatement) => !isEndpoint(target) || selectedUnits.has(target);
  const moved = closure([...selectedUnits, ...keptUses], follow);
  // Code that only the moved code gives meaning to goes with it: `{ endpoint: checkAll }`
  // beside a moved checkAll, when nothing that stays uses it.
  const usedBy = new Map<TopLevelStatement, Set<TopLevelStatement>>();
  for (const statement of statements) for (const target of uses(statement)) usedBy.set(target, (usedBy.get(target) ?? new Set()).add(unit(statement)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const statement of statements) {
      const u = unit(statement);
      if (moved.has(u) || isEndpoint(u) || (statement.kind !== 'declaration' && statement.kind !== 'other')) continue;
      const targets = uses(u);
      const refersToMoved = u.group.some((s) => s.references.some((r) => !r.inType && r.target !== undefined && selectedUnits.has(unit(r.target))));
      const followsMoved = refersToMoved && targets.every((t) => moved.has(t));
      const usedByRest = [...(usedBy.get(u) ?? [])].some((user) => !moved.has(user));
      if (!followsMoved || usedByRest) continue;
      for (const reached of closure([u], follow)) moved.add(reached);
      grew = true;
    }
  }
  // Code outside the closure that uses something inside it: that something is shared.
  const usedByRemaining = new Set<TopLevelStatement>(keptUses);
  for (const statement of statements) {
    if (statement.kind !== 'declaration' && statement.kind !== 'other') continue;
    if (moved.has(unit(statement))) continue;
    for (const target of uses(statement)) {
      if (moved.has(target) && !isEndpoint(target)) usedByRemaining.add(target);
    }
  }
  const shared = closure(usedByRemaining, (target) => !isEndpoint(target));

  const sides = new Map<TopLevelStatement, Side>();
  for (const statement of statements) {
    const u = unit(statement);
    sides.set(statement, shared.has(u) ? 'share' : moved.has(u) ? 'move' : 'stay');
  }
  return sides;
}

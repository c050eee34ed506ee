/**
 * `base`, or `base2`, `base3`... whichever `taken` does not hold; the name is added to
 * `taken`. How generators name a new import or alias without clashing.
 *
 * @example
 * freshName('endpoints', new Set(['endpoints'])); // 'endpoints2'
 */
export function freshName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

import { accepted, refused, type Checked } from './problem';

const SERVICE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Service names are kebab-case: they become process names, URLs, image and container names.
 *
 * @example
 * ```ts
 * readServiceName('user-profile').ok; // true
 * readServiceName('UserProfile').ok; // false
 * ```
 */
export function readServiceName(name: unknown): Checked<string> {
  if (typeof name === 'string' && SERVICE_NAME.test(name)) return accepted(name);
  return refused(
    `invalid service name ${JSON.stringify(name)}: service names are kebab-case (lower-case letters and digits, starting with a letter, words joined by single "-")`,
    `Name it like "${typeof name === 'string' ? suggestServiceName(name) : 'billing'}" or "user-profile".`,
  );
}

/** Whether `name` can name a service. */
export function isServiceName(name: unknown): name is string {
  return typeof name === 'string' && SERVICE_NAME.test(name);
}

/** The kebab-case name closest to `name`: `UserProfile` → `user-profile`. */
export function suggestServiceName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.join('-').replace(/^[0-9-]+/, '') || 'my-service';
}

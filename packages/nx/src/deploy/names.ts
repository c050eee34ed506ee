/** A name Kubernetes, compose and image tags all take: `identity+billing` is `identity-billing`. */
export function deployName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'process';
}

import { execFileSync } from 'node:child_process';

/**
 * Validates OpenAPI documents with `@seriousme/openapi-schema-validator` (the OpenAPI 3.1
 * schemas, through ajv). The package is an ES module, which Jest's CommonJS cannot load, so
 * it runs in a node of its own: one run for all the documents given.
 *
 * @example
 * validateOpenApi([toOpenApi(catalog)]); // [{ valid: true }]
 */
export function validateOpenApi(documents: readonly unknown[]): { valid: boolean; errors?: unknown }[] {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    const documents = JSON.parse(await new Promise((resolve) => { let text = ''; process.stdin.on('data', (c) => (text += c)).on('end', () => resolve(text)); }));
    const results = [];
    for (const document of documents) {
      const result = await new Validator().validate(document);
      results.push(result.valid ? { valid: true } : { valid: false, errors: result.errors });
    }
    process.stdout.write(JSON.stringify(results));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(documents), cwd: __dirname, encoding: 'utf8' });
  return JSON.parse(output);
}

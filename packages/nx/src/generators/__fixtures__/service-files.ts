/** `service.ts` of service `name`, as the service generator writes it. */
export const serviceTs = (name: string) => `import { Service } from '@topo/runtime';\n\nexport default new Service('${name}');\n`;

/** `client.ts` of service `name`, typed from `module`. */
export const clientTs = (name: string, module = `./${name}`) =>
  `import { client } from '@topo/runtime';\nimport type * as endpoints from '${module}';\n\nexport const ${name} = client<typeof endpoints>('${name}');\n`;

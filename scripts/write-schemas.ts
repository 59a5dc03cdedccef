import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { predictionSchema, publishedSchema, verificationSchema } from '../src/ledger/records.ts';

/** `npm run schemas`: regenerate docs/schemas/*.schema.json from the record schemas. */
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/schemas');
fs.mkdirSync(dir, { recursive: true });
for (const [name, schema] of [
  ['prediction', predictionSchema],
  ['verification', verificationSchema],
] as const) {
  fs.writeFileSync(
    path.join(dir, `${name}.schema.json`),
    `${JSON.stringify(publishedSchema(schema), null, 2)}\n`,
  );
}

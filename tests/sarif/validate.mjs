// Validates SARIF files for the tests: (1) against the SARIF 2.1.0 JSON schema with Ajv,
// (2) with Microsoft's SARIF Multitool `validate`, whose rules (SARIF1xxx errors,
// SARIF2xxx warnings) are what GitHub code scanning and other consumers expect.
// The schema is the copy the pinned Multitool package ships (sarif-2.1.0.json).
//
//   node validate.mjs FILE.sarif...     exit 0: valid; 1: invalid (problems on stdout)
import { readFileSync, mkdtempSync, rmSync, chmodSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const toolDir = join(here, 'node_modules/@microsoft/sarif-multitool-linux');
const schema = JSON.parse(readFileSync(join(toolDir, 'sarif-2.1.0.json'), 'utf8'));

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile(schema);

let failed = false;
const files = process.argv.slice(2);
for (const file of files) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  if (!validateSchema(doc)) {
    failed = true;
    for (const e of validateSchema.errors) console.log(`${file}: schema: ${e.instancePath || '/'} ${e.message}`);
  }
}

// The Multitool: its postinstall (chmod u+x) may not have run under `npm ci`.
const tool = join(toolDir, 'Sarif.Multitool');
if ((statSync(tool).mode & 0o100) === 0) chmodSync(tool, 0o755);
const out = mkdtempSync(join(tmpdir(), 'sarif-validate-'));
try {
  for (const file of files) {
    const log = join(out, 'validation.sarif');
    const r = spawnSync(tool, ['validate', file, '--output', log, '--log', 'ForceOverwrite', '--quiet'],
                        { encoding: 'utf8', timeout: 120000,
                          env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' } });
    if (r.status !== 0) {
      failed = true;
      console.log(`${file}: multitool exited ${r.status}: ${(r.stdout || '') + (r.stderr || '')}`);
      continue;
    }
    const results = JSON.parse(readFileSync(log, 'utf8')).runs[0].results || [];
    for (const res of results) {
      const level = res.level || 'warning';
      const text = (res.message && (res.message.text || (res.message.arguments || []).join(' '))) || '';
      console.log(`${file}: multitool ${level} ${res.ruleId}: ${text}`);
      if (level === 'error') failed = true;
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/server.ts';

describe('npm run docs:api', () => {
  it('finds docs/api.md up to date with the routes served (else: run it and commit docs/api.md)', async () => {
    const run = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/docs-api.ts'), '--check'], { cwd: ROOT }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    expect(run, run.output).to.include({ code: 0 });
    expect(run.output).to.include('docs/api.md is up to date');
  });
});

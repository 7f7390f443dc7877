import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../support/server.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/bench/benches');

function bench(...filters: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/run.ts', ...filters], {
    cwd: ROOT,
    env: { ...process.env, BENCH_DIR: FIXTURES },
    encoding: 'utf8',
  });
  return { code: res.status, out: res.stdout + res.stderr };
}

describe('npm run bench (scripts/bench/run.ts)', function () {
  this.timeout(60_000);

  it('prints every figure with its verdict and a table, and exits non-zero when a bench crashes', () => {
    const { code, out } = bench();
    expect(code).to.equal(1);
    expect(out).to.include('[pass] PASS  fast enough: 1 ms (target ≤ 2)');
    expect(out).to.include('[miss] MISS  too slow: 3 ms (target ≤ 2)');
    expect(out).to.include('bench fixture crashed on purpose');
    expect(out).to.match(/\[crash\] CRASH exited with code 1/);
    expect(out).to.match(/^crash\s+\(crashed\)/m);
    expect(out).to.include('--- helper.ts: exports no run(), skipped');
    expect(out).not.to.match(/^helper\s/m);
    expect(out).to.include('3 benches, 1 targets missed, 1 crashed');
  });

  it('exits 0 when a target is missed but nothing crashed, and runs only the benches named', () => {
    const { code, out } = bench('miss', 'pass');
    expect(code).to.equal(0);
    expect(out).to.match(/^miss\s+too slow\s+3 ms\s+≤ 2\s+MISS$/m);
    expect(out).to.match(/^pass\s+fast enough\s+1 ms\s+≤ 2\s+pass$/m);
    expect(out).not.to.include('crash.ts');
  });

  it('refuses a filter that matches no bench', () => {
    const { code, out } = bench('no-such-bench');
    expect(code).to.equal(2);
    expect(out).to.include('no bench in scripts/bench/ matches no-such-bench');
  });
});

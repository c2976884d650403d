// The compiled harness is reused only for the same source, compiler and compiler version: a
// changed drvmap.kernelRun.compiler, or an upgraded compiler, compiles again. A stand-in
// compiler (a shell script that logs each run and writes its -o file) counts the compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileHarness } from '../../../src/harness';
import { harnessProgressMessage } from '../../../src/notification-text';

test('a different compiler or compiler version compiles the harness again; the same one reuses it', async (t) => {
  if (process.platform === 'win32') return t.skip('the stand-in compiler is a shell script');
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-harness-cache-'));
  try {
    const source = join(dir, 'harness.c');
    writeFileSync(source, 'int main(void) { return 0; }\n');
    const log = join(dir, 'compiles.log');
    const compiler = (name: string) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        `#!/bin/sh\necho ${name} >> '${log}'\nwhile [ $# -gt 0 ]; do [ "$1" = -o ] && { shift; echo bin > "$1"; }; shift; done\n`,
      );
      chmodSync(path, 0o755);
      return path;
    };
    const gcc = compiler('gcc');
    const clang = compiler('clang');
    const bins = join(dir, 'bin');
    const runs: string[] = [];
    const compile = async (cc: string, version: string) => {
      const result = await compileHarness(source, bins, cc, version, () => runs.push(cc));
      return result;
    };

    const first = await compile(gcc, 'gcc 13.2');
    assert.equal(first.cached, false);
    const again = await compile(gcc, 'gcc 13.2');
    assert.deepEqual(again, { bin: first.bin, cached: true });
    const other = await compile(clang, 'clang 18.1');
    assert.equal(other.cached, false);
    assert.notEqual(other.bin, first.bin);
    const upgraded = await compile(gcc, 'gcc 14.1');
    assert.equal(upgraded.cached, false);
    assert.deepEqual(runs, [gcc, clang, gcc]);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['gcc', 'clang', 'gcc']);
    // A compiler that is not there is tried, not skipped for a cached binary.
    await assert.rejects(compile(join(dir, 'missing-cc'), 'gcc 13.2'), /compiling the harness with/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the progress says whether the harness is compiled now or reused', () => {
  assert.equal(harnessProgressMessage('gcc (GCC) 13.2.0', false), 'compiling the harness (gcc (GCC) 13.2.0)');
  assert.equal(
    harnessProgressMessage('clang version 18.1.8', true),
    'using the harness already compiled with clang version 18.1.8',
  );
});

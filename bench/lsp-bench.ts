// LSP latency on a generated 10k-line scenario, over stdio against the bundled server:
// didChange → publishDiagnostics (debounce set to 0 so the measure is the server's work; the
// debounce the editor adds is reported apart) and hover at random positions.
//
// The first edits after opening a large file are slower than the rest: V8 is still compiling the
// engine's hot functions (on a 2-core machine the optimising compiler competes with the analysis
// itself). Those warm-up edits are timed and reported on their own (`first_edit_ms`,
// `warmup_max_ms`) rather than mixed into the steady-state percentiles, as the engine bench keeps
// its warm-up run apart from its medians.
import { performance } from 'node:perf_hooks';
import { LspClient } from '../test/lsp/client';
import type {
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

export interface LspBenchResult {
  readonly diagP50Ms: number;
  readonly diagP95Ms: number;
  readonly hoverP95Ms: number;
  /**
   * Typing: a character inserted, then deleted, in the same place (30 edits). Unlike the flips
   * above, each changes the text's length, so the reparse shifts every statement after it.
   */
  readonly typingP50Ms: number;
  readonly typingP95Ms: number;
  /** The first edit after opening the file, and the slowest of the warm-up edits (not in p50/p95). */
  readonly firstEditMs: number;
  readonly warmupMaxMs: number;
  readonly warmupEdits: number;
  /** The debounce the server applies in normal use (not included above). */
  readonly debounceMs: number;
}

const DEFAULT_DEBOUNCE_MS = 150;
const WARMUP_EDITS = 5;

/** A scenario of about `lines` lines: allocations, maps, accesses, moves and unmaps, with expectations. */
export function generateScenario(lines = 10_000): string {
  const out = [
    'scenario "bench" {',
    '  kernel 6.6',
    '  driver mesa {',
    '    maps at-map',
    '    caches-pointer',
    '  }',
    '  strategy placed',
  ];
  let i = 0;
  while (out.length < lines - 1) {
    const n = i++;
    switch (n % 5) {
      case 0:
        out.push(
          `  m${n} = mmap 64KiB rw private anon`,
          `  write m${n}, 4KiB, 0x${(n % 200).toString(16).padStart(2, '0')}`,
          `  expect read m${n}, 1 == 0x${(n % 200).toString(16).padStart(2, '0')}`,
        );
        break;
      case 1:
        out.push(
          `  mem${n} = vkAllocateMemory 64KiB host-visible coherent`,
          `  p${n} = vkMapMemory mem${n}`,
          `  app writes p${n} + 0x100, 64`,
        );
        break;
      case 2:
        out.push(
          `  r${n} = mmap 128KiB rw private anon`,
          `  q${n} = mremap r${n}, 128KiB, 256KiB, maymove`,
          `  munmap q${n}, 256KiB`,
        );
        break;
      case 3:
        out.push(`  vkUnmapMemory mem${n - 2}`, `  vkFreeMemory mem${n - 2}`);
        break;
      case 4:
        out.push(`  # step group ${n}`, `  munmap m${n - 4}, 64KiB`);
        break;
    }
  }
  out.push('}');
  return (
    out
      .slice(0, lines - 1)
      .concat('}')
      .join('\n') + '\n'
  );
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export async function benchLsp(
  options: {
    lines?: number;
    edits?: number;
    hovers?: number;
    warmupEdits?: number;
    typingEdits?: number;
  } = {},
): Promise<LspBenchResult> {
  const text = generateScenario(options.lines ?? 10_000);
  const lines = text.split('\n');
  const { client } = await LspClient.start({
    env: { DRVMAP_DEBOUNCE_MS: '0' },
    settings: { maxFileSizeKiB: 100_000 },
  });
  try {
    const uri = 'file:///bench/bench.drvmap';
    await client.open(uri, text);
    await client.diagnostics(uri, () => true, 120_000, true);
    // Single-character edits: flip a hex digit of a written byte, back and forth.
    const target = lines.findIndex((l) => /write m\d+, 4KiB, 0x/.test(l));
    const column = (lines[target] ?? '').lastIndexOf('0x') + 3;
    const diag: number[] = [];
    let version = 1;
    const warmup = options.warmupEdits ?? WARMUP_EDITS;
    const edits = warmup + (options.edits ?? 60);
    const timeEdit = async (change: TextDocumentContentChangeEvent): Promise<number> => {
      version++;
      const v = version;
      const waiting = client.diagnostics(uri, (p: PublishDiagnosticsParams) => p.version === v, 60_000);
      const started = performance.now();
      await client.change(uri, v, [change]);
      await waiting;
      return performance.now() - started;
    };
    const at = (character: number) => ({ line: target, character });
    for (let k = 0; k < edits; k++)
      diag.push(
        await timeEdit({ range: { start: at(column), end: at(column + 1) }, text: k % 2 ? '0' : '1' }),
      );
    // Typing: `0x01` → `0x010` → `0x01`, a byte value still.
    const typing: number[] = [];
    for (let k = 0; k < (options.typingEdits ?? 30); k++)
      typing.push(
        await timeEdit(
          k % 2
            ? { range: { start: at(column + 1), end: at(column + 2) }, text: '' }
            : { range: { start: at(column + 1), end: at(column + 1) }, text: '0' },
        ),
      );
    const hover: number[] = [];
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let k = 0; k < (options.hovers ?? 200); k++) {
      const line = random() % lines.length;
      const character = random() % Math.max(1, (lines[line] ?? '').length);
      const started = performance.now();
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
      hover.push(performance.now() - started);
    }
    const steady = diag.slice(warmup);
    return {
      diagP50Ms: percentile(steady, 50),
      diagP95Ms: percentile(steady, 95),
      hoverP95Ms: percentile(hover, 95),
      typingP50Ms: percentile(typing, 50),
      typingP95Ms: percentile(typing, 95),
      firstEditMs: diag[0] ?? NaN,
      warmupMaxMs: warmup > 0 ? Math.max(...diag.slice(0, warmup)) : NaN,
      warmupEdits: warmup,
      debounceMs: DEFAULT_DEBOUNCE_MS,
    };
  } finally {
    await client.stop();
  }
}

// Run directly (`node out-bench/lsp-bench.js`); bundled into the orchestrator it only exports.
if (/lsp-bench\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  benchLsp().then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

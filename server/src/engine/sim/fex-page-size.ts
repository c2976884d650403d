// FEX runs x86 code on 4 KiB-page hosts only: FEXCore's FEX_PAGE_SIZE is a constant 4096
// (FEX-Emu/FEX FEXCore/include/FEXCore/Utils/TypeDefines.h: "FEX assumes an operating page size
// of 4096"), and its maintainers close 16 KiB host support as not planned (FEX-Emu/FEX#1921,
// #3496: "FEX only supports 4kb page size systems"). On Asahi Linux (16 KiB pages) x86 programs
// run in muvm, a microVM whose guest kernel has 4 KiB pages. So a `reserve-high` scenario on 16
// or 64 KiB pages is no setup FEX has: it still runs with the scenario's page size, with a note,
// as `platform macos` gets for the strategy (linux-only.ts), so its result is not read as FEX's.
import { formatSize, KiB } from '../numbers';
import type { LanguageProblem } from './problems';
import type { StrategyName } from './platform';

const FEX_PAGE_SIZE = 4n * KiB;

/** The note for `strategy reserve-high` on pages FEX does not run on, at the strategy's value. */
export function fexPageSizeProblem(
  strategy: StrategyName,
  pageSize: bigint,
  range: LanguageProblem['range'],
): LanguageProblem | undefined {
  if (strategy !== 'reserve-high' || pageSize === FEX_PAGE_SIZE) return undefined;
  return {
    code: 'kernel-unmodelled',
    range,
    message: `\`strategy reserve-high\` is FEX, which runs on 4 KiB-page kernels only (FEXCore's FEX_PAGE_SIZE is 4096); on ${formatSize(pageSize)} pages it does not run: on Asahi Linux x86 programs run in muvm, a microVM with 4 KiB pages (\`page-size 4KiB\`). drvmap simulates ${formatSize(pageSize)} pages anyway, so this is not a FEX result`,
  };
}

// `drvmap/import`: an strace capture or a /proc/PID/maps dump turned into a scenario (the
// client's import commands). The engine's importers report every line they skip.
import { importProcMaps } from '../engine/import/proc-maps';
import { importStrace } from '../engine/import/strace';
import type { ImportParams, ImportResponse } from '../../../protocol/requests';

export function importRequest(params: ImportParams): ImportResponse {
  const result =
    params.format === 'maps'
      ? importProcMaps(params.text, params.title)
      : importStrace(params.text, params.title, { pid: params.pid });
  return {
    processes: result.processes ?? [],
    scenario: result.scenario,
    imported: result.lines.filter((l) => l.status === 'imported').length,
    skipped: result.lines
      .filter((l) => l.status === 'skipped')
      .map((l) => ({ line: l.line, text: l.text, reason: l.reason ?? 'not imported' })),
  };
}

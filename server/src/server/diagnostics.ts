// Diagnostics: engine diagnostics → LSP, published after a debounce. A newer edit cancels the
// pending run, and a result is only published for the version it was computed from.
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver/node';
import type { DocumentAnalysis } from '../engine/analysis';
import type { EngineDiagnostic, Severity } from '../engine/diagnostics';
import { RULE_BY_CODE, ruleDocUrl } from '../engine/rules/registry';
import { toRange } from './convert';
import type { DocumentStore } from './documents';
import type { Logger } from './safe';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(analysis: DocumentAnalysis, uri: string, d: EngineDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: toRange(analysis, d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'drvmap',
    message: d.message,
  };
  if (RULE_BY_CODE.has(d.code)) out.codeDescription = { href: ruleDocUrl(d.code) };
  if (d.related.length)
    out.relatedInformation = d.related.map((r) => ({
      location: { uri, range: toRange(analysis, r.range) },
      message: r.message,
    }));
  if (d.tags?.length)
    out.tags = d.tags.map((t) =>
      t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated,
    );
  if (d.fix) out.data = d.fix;
  return out;
}

export function lspDiagnostics(analysis: DocumentAnalysis, uri: string): Diagnostic[] {
  return analysis.diagnostics.map((d) => toLspDiagnostic(analysis, uri, d));
}

export class DiagnosticsPublisher {
  /** Per document, how to cancel its pending publication. */
  private readonly pending = new Map<string, () => void>();

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly log: Logger,
  ) {}

  schedule(uri: string): void {
    this.cancel(uri);
    const delay = this.store.currentSettings.debounceMs;
    const run = () => {
      this.pending.delete(uri);
      this.publish(uri);
    };
    // No debounce: the next turn of the event loop. A 0 ms timer waits at least 1 ms.
    if (delay <= 0) {
      const immediate = setImmediate(run);
      this.pending.set(uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(run, delay);
      this.pending.set(uri, () => clearTimeout(timer));
    }
  }

  cancel(uri: string): void {
    this.pending.get(uri)?.();
    this.pending.delete(uri);
  }

  scheduleAll(): void {
    for (const document of this.store.documents.all()) this.schedule(document.uri);
  }

  clear(uri: string): void {
    this.cancel(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private publish(uri: string): void {
    try {
      const analysed = this.store.analysed(uri);
      if (!analysed) return;
      const version = analysed.document.version;
      const diagnostics = lspDiagnostics(analysed.analysis, uri);
      // Never publish for a version the editor has moved past.
      if (this.store.get(uri)?.version !== version) return;
      void this.connection.sendDiagnostics({ uri, version, diagnostics });
    } catch (error) {
      this.log(
        `drvmap: diagnostics for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
}

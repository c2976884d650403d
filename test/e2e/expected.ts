// What the engine says about a fixture file, in the terms the workbench shows it: 1-based lines
// with error / warning squiggles, rule codes, inlay hints per line, hover text. The end-to-end
// tests compare the real editor with this, so the fixtures can change without editing numbers.
import { readFileSync } from 'node:fs';
import { analyseDocument, type DocumentAnalysis } from '../../server/src/engine/analysis';
import { hoverAt } from '../../server/src/engine/features/hover';
import { panelState } from '../../server/src/engine/features/panel-state';
import type { PanelState } from '../../protocol/panel';
import { inlayHints } from '../../server/src/engine/features/inlay-hints';
import { analysisOptions, DEFAULT_SETTINGS } from '../../server/src/server/settings';

export interface ExpectedDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  /** 1-based line and column of the start, as the Problems panel shows them. */
  readonly line: number;
  readonly column: number;
  /** Every 1-based line the range covers (where the squiggle is drawn). */
  readonly lines: readonly number[];
  readonly message: string;
}

export class EngineView {
  readonly analysis: DocumentAnalysis;
  readonly lines: readonly string[];

  constructor(readonly text: string) {
    // The server's defaults (drvmap.defaultKernel, drvmap.defaultWindow): the tests run with them.
    this.analysis = analyseDocument(text, analysisOptions(DEFAULT_SETTINGS));
    this.lines = text.split('\n');
  }

  static ofFile(path: string): EngineView {
    return new EngineView(readFileSync(path, 'utf8'));
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    return this.analysis.lines.position(offset).line + 1;
  }

  get diagnostics(): ExpectedDiagnostic[] {
    return this.analysis.diagnostics.map((d) => {
      const start = this.analysis.lines.position(d.range.start);
      const end = this.analysis.lines.position(d.range.end);
      // A range ending at column 0 draws nothing on that line.
      const last = end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
      const lines: number[] = [];
      for (let l = start.line; l <= last; l++) lines.push(l + 1);
      return {
        code: d.code,
        severity: d.severity,
        line: start.line + 1,
        column: start.character + 1,
        lines,
        message: d.message,
      };
    });
  }

  /** Sorted unique 1-based lines with a squiggle of that severity. */
  squiggleLines(severity: ExpectedDiagnostic['severity']): number[] {
    const set = new Set(this.diagnostics.filter((d) => d.severity === severity).flatMap((d) => d.lines));
    return [...set].sort((a, b) => a - b);
  }

  get codes(): string[] {
    return [...new Set(this.diagnostics.map((d) => d.code))].sort();
  }

  /** Inlay hints as `{ line, text }` (1-based line). */
  get inlayHints(): { line: number; text: string }[] {
    return inlayHints(this.analysis).map((h) => ({ line: this.lineOf(h.offset), text: h.label }));
  }

  /** 1-based line of the first line containing `needle` at or after line `from` (1-based). */
  findLine(needle: string, from = 1): number {
    for (let i = from - 1; i < this.lines.length; i++) if (this.lines[i]!.includes(needle)) return i + 1;
    throw new Error(`no line contains ${JSON.stringify(needle)} from line ${from}`);
  }

  /**
   * The engine's hover at `needle` (+ `delta` characters) on 1-based line `line`, as plain
   * paragraphs (Markdown code and bold marks removed) the way the hover widget renders them.
   */
  hoverParagraphs(line: number, needle: string, delta = 1): string[] {
    const col = this.lines[line - 1]!.indexOf(needle);
    if (col < 0) throw new Error(`line ${line} has no ${JSON.stringify(needle)}`);
    const offset = this.analysis.lines.offset({ line: line - 1, character: col + delta });
    const markdown = hoverAt(this.analysis, offset)?.markdown ?? '';
    return (
      markdown
        // Lines apart: a list renders as items, whose texts need not be separated by spaces.
        .split(/\n+/)
        .map((p) => p.replace(/^- /, ''))
        // Code and bold marks go; a backslash escape (user text, protocol/markdown.ts) shows its character.
        .map((p) =>
          p
            .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])|[`*]/g, (_m, escaped: string | undefined) => escaped ?? '')
            .replace(/\s+/g, ' ')
            .trim(),
        )
        .filter(Boolean)
    );
  }

  /** The address-map state the server computes with the cursor at the start of 1-based `line`. */
  panelStateAt(line: number, character = 2): PanelState {
    const offset = this.analysis.lines.offset({ line: line - 1, character });
    const state = panelState(this.analysis, { uri: 'file:///test', version: 1, offset });
    if (!state) throw new Error(`no panel state at line ${line}`);
    return state;
  }
}

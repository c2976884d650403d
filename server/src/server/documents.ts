// Open documents and their analyses: one analysis per (uri, version, settings generation),
// computed on first use and shared by diagnostics and every request.
import { TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyseDocument, type AnalysisOptions, type DocumentAnalysis } from '../engine/analysis';
import type { ParsedVersion } from '../engine/syntax/incremental-parse';
import { parseOnlyAnalysis } from '../engine/features/limited-analysis';
import { analysisOptions, type Settings } from './settings';

interface Cached {
  readonly version: number;
  readonly generation: number;
  readonly analysis: DocumentAnalysis;
}

export interface Analysed {
  readonly document: TextDocument;
  readonly analysis: DocumentAnalysis;
}

export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly cache = new Map<string, Cached>();
  private generation = 0;
  private options: AnalysisOptions;

  constructor(private settings: Settings) {
    this.options = analysisOptions(settings);
  }

  get currentSettings(): Settings {
    return this.settings;
  }

  get analysisOptions(): AnalysisOptions {
    return this.options;
  }

  updateSettings(settings: Settings): void {
    this.settings = settings;
    this.options = analysisOptions(settings);
    this.generation++;
    this.cache.clear();
  }

  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  analysed(uri: string): Analysed | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version && cached.generation === this.generation)
      return { document, analysis: cached.analysis };
    // Drop the stale analysis first: on a large file it is most of the heap, and keeping it alive
    // while the new one is built doubles what the garbage collector has to walk. Only its text
    // and tree are handed on: the new parse reuses the tree outside the edited lines (and
    // consumes it); its simulation is garbage from here on.
    const previous =
      cached?.generation === this.generation
        ? { text: cached.analysis.text, file: cached.analysis.file }
        : undefined;
    this.cache.delete(uri);
    const analysis = this.analyse(document.getText(), previous);
    this.cache.set(uri, { version: document.version, generation: this.generation, analysis });
    return { document, analysis };
  }

  /**
   * Analyses text that need not be open (Check Workspace), or the next version of an open
   * document's `previous` analysis, which is consumed (analyseDocument).
   */
  analyse(text: string, previous?: ParsedVersion): DocumentAnalysis {
    const limit = this.settings.maxFileSizeKiB * 1024;
    if (text.length > limit) {
      return parseOnlyAnalysis(
        text,
        `drvmap did not simulate this file: it is ${Math.ceil(text.length / 1024)} KiB, above drvmap.maxFileSizeKiB (${this.settings.maxFileSizeKiB} KiB); only syntax is checked`,
        this.options,
      );
    }
    return analyseDocument(text, this.options, previous);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

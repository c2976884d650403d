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

/** One folder's (or file's) settings and the analysis options read from them. */
interface Scoped {
  readonly settings: Settings;
  readonly options: AnalysisOptions;
  /** To tell a value that changed from one read again (a settings object is new each time). */
  readonly key: string;
}

function scoped(settings: Settings): Scoped {
  return { settings, options: analysisOptions(settings), key: JSON.stringify(settings) };
}

export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly cache = new Map<string, Cached>();
  private generation = 0;
  private workspace: Scoped;
  /**
   * Per open document, the settings of its folder (the `resource` scope in package.json): a
   * multi-root workspace may give each folder its own defaultKernel, window, severities, limit.
   */
  private readonly byDocument = new Map<string, Scoped>();

  constructor(settings: Settings) {
    this.workspace = scoped(settings);
  }

  /** The workspace-level settings (what a document without settings of its own uses). */
  get currentSettings(): Settings {
    return this.workspace.settings;
  }

  settingsFor(uri: string): Settings {
    return (this.byDocument.get(uri) ?? this.workspace).settings;
  }

  optionsFor(uri: string): AnalysisOptions {
    return (this.byDocument.get(uri) ?? this.workspace).options;
  }

  /**
   * What tells the settings a document is analysed with from others: an analysis of it kept
   * outside this store (the panel's replay) is of these settings, and is redone when they change.
   */
  settingsKey(uri: string): string {
    return (this.byDocument.get(uri) ?? this.workspace).key;
  }

  /**
   * New workspace-level settings, and each open document's own (`perDocument`); every analysis
   * is redone.
   */
  updateSettings(settings: Settings, perDocument: ReadonlyMap<string, Settings> = new Map()): void {
    this.workspace = scoped(settings);
    this.byDocument.clear();
    for (const [uri, own] of perDocument) this.byDocument.set(uri, scoped(own));
    this.generation++;
    this.cache.clear();
  }

  /** One document's own settings; true when they differ from what it was analysed with. */
  setDocumentSettings(uri: string, settings: Settings): boolean {
    const next = scoped(settings);
    if ((this.byDocument.get(uri) ?? this.workspace).key === next.key) {
      this.byDocument.set(uri, next);
      return false;
    }
    this.byDocument.set(uri, next);
    this.cache.delete(uri);
    return true;
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
    const analysis = this.analyseWith(
      document.getText(),
      previous,
      this.byDocument.get(uri) ?? this.workspace,
    );
    this.cache.set(uri, { version: document.version, generation: this.generation, analysis });
    return { document, analysis };
  }

  /**
   * Analyses text that need not be open (Check Workspace), or the next version of an open
   * document's `previous` analysis, which is consumed (analyseDocument). `settings`: the file's
   * own, when not the workspace's.
   */
  analyse(text: string, previous?: ParsedVersion, settings?: Settings): DocumentAnalysis {
    return this.analyseWith(text, previous, settings ? scoped(settings) : this.workspace);
  }

  private analyseWith(text: string, previous: ParsedVersion | undefined, own: Scoped): DocumentAnalysis {
    const limitKiB = own.settings.maxFileSizeKiB;
    // Bytes of UTF-8, as the file on disk (and Check Workspace's size test) counts them; the
    // UTF-16 length is a lower bound, so only a text that may be over the limit is measured.
    const bytes = text.length > (limitKiB * 1024) / 3 ? Buffer.byteLength(text, 'utf8') : text.length;
    if (bytes > limitKiB * 1024) {
      return parseOnlyAnalysis(
        text,
        `drvmap did not simulate this file: it is ${Math.ceil(bytes / 1024)} KiB, above drvmap.maxFileSizeKiB (${limitKiB} KiB); only syntax is checked`,
        own.options,
      );
    }
    return analyseDocument(text, own.options, previous);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.byDocument.delete(uri);
  }
}

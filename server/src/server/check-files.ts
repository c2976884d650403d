// `drvmap/checkFiles`: diagnostics for files the editor has not opened ("Check Workspace").
// Open documents are checked in their editor state; others are read from disk when they are
// `file:` URIs. Any other scheme (a virtual workspace's `vscode-vfs:`, `memfs:`) names no file
// on this machine: its path read from disk would be another file, so the client sends the text.
// A file read from disk is decoded as the editor would open it (byte-order mark dropped, UTF-16
// with one read as such): otherwise a closed file's columns would differ from the open one's.
import { readFile } from 'node:fs/promises';
import { URI } from 'vscode-uri';
import { decodeText } from '../../../protocol/text-decoding';
import type { CheckFilesParams, CheckFilesResult, CheckedDiagnostic } from '../../../protocol/requests';
import { lspDiagnostics } from './diagnostics';
import type { DocumentStore } from './documents';
import type { Settings } from './settings';

/** Each file's own settings (its folder's, `resource` scope), or undefined for the workspace's. */
export type SettingsOf = (uris: readonly string[]) => Promise<readonly (Settings | undefined)[]>;

export async function checkFiles(
  store: DocumentStore,
  params: CheckFilesParams,
  settingsOf?: SettingsOf,
): Promise<CheckFilesResult> {
  const files: CheckFilesResult['files'][number][] = [];
  const uris = (params.files ?? []).map((f) => (f.uri.startsWith('/') ? URI.file(f.uri).toString() : f.uri));
  const closed = uris.filter((uri) => !store.get(uri));
  const closedSettings = new Map<string, Settings | undefined>();
  if (settingsOf && closed.length) {
    const read = await settingsOf(closed);
    closed.forEach((uri, i) => closedSettings.set(uri, read[i]));
  }
  for (const [i, file] of (params.files ?? []).entries()) {
    const uri = uris[i]!;
    try {
      const open = store.analysed(uri);
      let analysis = open?.analysis;
      if (!analysis) {
        const text = file.text ?? (await readLocalFile(uri));
        analysis = store.analyse(text, undefined, closedSettings.get(uri));
      }
      files.push({
        uri,
        // As published for an open document (toLspDiagnostic): the rule's link, the related
        // locations and tags too. Not the quick fix's data: code actions need the file open.
        diagnostics: lspDiagnostics(analysis, uri).map((d): CheckedDiagnostic => ({
          range: d.range,
          severity: (d.severity ?? 1) as CheckedDiagnostic['severity'],
          code: String(d.code),
          source: 'drvmap',
          message: d.message,
          ...(d.codeDescription ? { codeDescription: d.codeDescription } : {}),
          ...(d.relatedInformation ? { relatedInformation: d.relatedInformation } : {}),
          ...(d.tags ? { tags: d.tags as (1 | 2)[] } : {}),
        })),
      });
    } catch (error) {
      files.push({ uri, diagnostics: [], error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { files };
}

async function readLocalFile(uri: string): Promise<string> {
  const parsed = URI.parse(uri);
  if (parsed.scheme !== 'file')
    throw new Error(`${parsed.scheme}: is not a file on this machine; the client sends such files' text`);
  return decodeText(await readFile(parsed.fsPath));
}

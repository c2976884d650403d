// Messages from the webview are checked before the host acts on them (a webview is a web page:
// treat what it sends as input), and the export payload becomes bytes here. Pure.
import type { FromPanelMessage } from '../protocol/panel';

/** Exports larger than this are refused (a PNG of a huge panel is still far below it). */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

const isStep = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -1;
const isLine = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function parseFromPanelMessage(raw: unknown): FromPanelMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'selectStep':
      return isStep(m.stepIndex) ? { type: 'selectStep', stepIndex: m.stepIndex } : undefined;
    case 'reveal':
      return isLine(m.line) ? { type: 'reveal', line: m.line } : undefined;
    case 'compareWith':
      if (m.stepIndex === undefined || m.stepIndex === null)
        return { type: 'compareWith', stepIndex: undefined };
      return isStep(m.stepIndex) ? { type: 'compareWith', stepIndex: m.stepIndex } : undefined;
    case 'export':
      if ((m.format !== 'svg' && m.format !== 'png') || typeof m.data !== 'string') return undefined;
      if (m.data.length > MAX_EXPORT_CHARS) return undefined;
      return { type: 'export', format: m.format, data: m.data };
    case 'replay':
      if (m.behaviourIndex === null) return { type: 'replay', behaviourIndex: null };
      return isLine(m.behaviourIndex) ? { type: 'replay', behaviourIndex: m.behaviourIndex } : undefined;
    default:
      return undefined;
  }
}

const PNG_PREFIX = 'data:image/png;base64,';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The file's bytes: SVG text as UTF-8, a PNG data URL decoded. Undefined if it is not what it claims. */
export function exportBytes(format: 'svg' | 'png', data: string): Uint8Array | undefined {
  if (format === 'svg') {
    const head = data.trimStart().slice(0, 200);
    if (!head.startsWith('<svg') && !head.startsWith('<?xml')) return undefined;
    return new TextEncoder().encode(data);
  }
  if (!data.startsWith(PNG_PREFIX)) return undefined;
  const base64 = data.slice(PNG_PREFIX.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
  const bytes = Uint8Array.from(Buffer.from(base64, 'base64'));
  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  return bytes;
}

/** `remap-a-vulkan-mapping-step-3.svg`: a safe default file name for the save dialog. */
export function exportFileName(scenario: string, stepIndex: number, format: 'svg' | 'png'): string {
  const slug =
    scenario
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'scenario';
  const step = stepIndex < 0 ? 'start' : `step-${stepIndex + 1}`;
  return `${slug}-${step}.${format}`;
}

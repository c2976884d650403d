// Colours come only from the editor theme (`--vscode-*`, resolved through panel.css's `--dm-*`
// aliases, which carry fallbacks for the fixture page). Exports use a fixed light palette so a
// picture taken in a dark editor still prints well.

export interface Palette {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly border: string;
  readonly laneBackground: string;
  readonly focus: string;
  readonly hazard: string;
  readonly warning: string;
  readonly info: string;
  readonly added: string;
  readonly window: string;
  readonly actors: readonly string[];
  /** High-contrast themes: every band gets a border, outlines get thicker. */
  readonly highContrast: boolean;
  readonly contrastBorder: string | undefined;
  readonly font: string;
}

const ACTOR_VARS = 8;

export function themePalette(root: Element = document.body): Palette {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const contrastBorder = read('--dm-contrast-border', '');
  const highContrast =
    root.classList.contains('vscode-high-contrast') || root.classList.contains('vscode-high-contrast-light');
  const actors: string[] = [];
  for (let i = 0; i < ACTOR_VARS; i++) actors.push(read(`--dm-actor-${i}`, LIGHT.actors[i] ?? '#888888'));
  return {
    background: read('--dm-bg', LIGHT.background),
    foreground: read('--dm-fg', LIGHT.foreground),
    muted: read('--dm-muted', LIGHT.muted),
    border: read('--dm-border', LIGHT.border),
    laneBackground: read('--dm-lane', LIGHT.laneBackground),
    focus: read('--dm-focus', LIGHT.focus),
    hazard: read('--dm-hazard', LIGHT.hazard),
    warning: read('--dm-warning', LIGHT.warning),
    info: read('--dm-info', LIGHT.info),
    added: read('--dm-added', LIGHT.added),
    window: read('--dm-window', LIGHT.window),
    actors,
    highContrast,
    contrastBorder:
      highContrast && contrastBorder && contrastBorder !== 'transparent' ? contrastBorder : undefined,
    font: read('--vscode-editor-font-family', '') || LIGHT.font,
  };
}

/** VS Code's Light+ values: the export palette, and the fallbacks. */
export const LIGHT: Palette = {
  background: '#ffffff',
  foreground: '#1f1f1f',
  muted: '#616161',
  border: '#c8c8c8',
  laneBackground: '#f3f3f3',
  focus: '#005fb8',
  hazard: '#e51400',
  warning: '#bf8803',
  info: '#1a85ff',
  added: '#388a34',
  window: '#1f1f1f',
  actors: ['#1a85ff', '#652d90', '#388a34', '#d18616', '#bf8803', '#0598bc', '#bc05bc', '#616161'],
  highContrast: false,
  contrastBorder: undefined,
  font: 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace',
};

export function actorColour(palette: Palette, lane: number): string {
  return palette.actors[lane % palette.actors.length] ?? palette.foreground;
}

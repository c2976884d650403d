// What the status bar item says. Pure: the vscode side only copies these strings into the item.
import type { PanelState } from '../protocol/panel';
import { escapeMarkdown } from '../protocol/markdown';
import { mappingsInWindow, windowUsedPercent } from './panel-state-summary';

// Scenario names are user text: nothing in them may become a link or markup.
export { escapeMarkdown };

export type ServerHealthState = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusSnapshot {
  readonly server: ServerHealthState;
  /** An edit is waiting for its analysis. */
  readonly analysing: boolean;
  readonly errors: number;
  readonly warnings: number;
  /** The state at the cursor, when the server answered. */
  readonly state: PanelState | undefined;
}

export interface StatusPresentation {
  readonly text: string;
  /** Markdown for the tooltip, with command links. */
  readonly tooltip: string;
  /** For screen readers: the same as the text, in words. */
  readonly accessibilityLabel: string;
  readonly tone: 'normal' | 'warning' | 'error';
}

/** Commands the tooltip links to; the only ones the MarkdownString trusts. */
export const STATUS_COMMANDS = [
  { command: 'drvmap.showAddressMap', title: 'Show Address Map' },
  { command: 'drvmap.checkWorkspace', title: 'Check Workspace' },
  { command: 'drvmap.openRuleDocumentation', title: 'Rule Documentation' },
  { command: 'drvmap.restartServer', title: 'Restart Server' },
  { command: 'drvmap.showOutput', title: 'Show Output' },
] as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `step 3/7`; the state before the first step reads `start/7`. */
export function stepText(state: PanelState): string {
  const total = state.steps.length;
  return state.stepIndex < 0 ? `start/${total}` : `step ${state.stepIndex + 1}/${total}`;
}

export function presentStatus(s: StatusSnapshot): StatusPresentation {
  let icon: string;
  let headline: string;
  let tone: StatusPresentation['tone'] = 'normal';
  if (s.server === 'failed') {
    icon = '$(error)';
    headline = 'server stopped';
    tone = 'error';
  } else if (s.server === 'stopped') {
    icon = '$(debug-disconnect)';
    headline = 'server stopped';
    tone = 'warning';
  } else if (s.server === 'starting') {
    icon = '$(loading~spin)';
    headline = 'starting';
  } else if (s.analysing) {
    icon = '$(sync~spin)';
    headline = 'analysing';
  } else if (s.errors > 0) {
    icon = '$(error)';
    headline = plural(s.errors, 'error');
  } else if (s.warnings > 0) {
    icon = '$(warning)';
    headline = plural(s.warnings, 'warning');
  } else {
    icon = '$(check)';
    headline = 'ok';
  }

  const details: string[] = [];
  const spoken: string[] = [`drvmap ${headline}`];
  const running = s.server === 'running';
  if (running && s.state) {
    details.push(stepText(s.state));
    const inWindow = mappingsInWindow(s.state);
    details.push(`${inWindow} in window`);
    spoken.push(
      s.state.stepIndex < 0
        ? `before the first of ${s.state.steps.length} steps`
        : `step ${s.state.stepIndex + 1} of ${s.state.steps.length}`,
      `${plural(inWindow, 'mapping')} in the 32-bit window`,
    );
  }
  const text = [`${icon} drvmap${headline === 'ok' ? '' : `: ${headline}`}`, ...details].join(' · ');
  return { text, tooltip: tooltipMarkdown(s, headline), accessibilityLabel: spoken.join(', '), tone };
}

function tooltipMarkdown(s: StatusSnapshot, headline: string): string {
  const lines: string[] = [];
  lines.push(`**drvmap** — ${escapeMarkdown(headline)}`);
  if (s.server === 'running' && s.state) {
    const st = s.state;
    lines.push('');
    const scenario = st.scenarioCount > 1 ? ` (${st.scenarioIndex + 1} of ${st.scenarioCount})` : '';
    lines.push(`Scenario: ${escapeMarkdown(st.scenario)}${scenario}  `);
    lines.push(`At ${stepText(st)}: ${plural(mappingsInWindow(st), 'mapping')} in the window  `);
    const percent = windowUsedPercent(st);
    if (percent !== undefined)
      lines.push(`Window ${percent}% used, ${plural(st.windowGaps.length, 'free gap')}`);
  }
  if (s.errors > 0 || s.warnings > 0) {
    lines.push('');
    lines.push(`${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')} in this file`);
  }
  lines.push('', '---', '');
  lines.push(STATUS_COMMANDS.map((c) => `[${c.title}](command:${c.command})`).join(' · '));
  return lines.join('\n');
}

// Types for code-server.mjs, so test/e2e/harness.ts can import it under `tsc --noEmit`.
import type { ChildProcess } from 'node:child_process';

export const CODE_SERVER_VERSION: string;
export const repoRoot: string;
export const cacheDir: string;
export const codeServerDir: string;
export const codeServerPkgDir: string;
export const vscodeDir: string;
export const entryJs: string;
export const NATIVE_MODULES: string[];
export const BASE_SETTINGS: Record<string, unknown>;

export function isCodeServerReady(): boolean;
export function setupCodeServer(options?: {
  log?: (line: string) => void;
  force?: boolean;
}): Promise<{ entry: string; cached: boolean; ms: number }>;
export function isPortFree(port: number, host?: string): Promise<boolean>;
export function findFreePort(host?: string): Promise<number>;
export function waitForHttp(
  url: string,
  options?: { timeoutMs?: number; child?: ChildProcess; logFile?: string },
): Promise<void>;
export function writeUserSettings(
  userDataDir: string,
  settings: Record<string, unknown>,
  options?: { onlyMissing?: boolean },
): void;
export function linkExtensionInto(extensionsDir: string): string;

export interface RunningCodeServer {
  child: ChildProcess;
  port: number;
  host: string;
  /** `http://host:port/` */
  url: string;
  logFile: string | undefined;
  /** Kills the whole process group (server, extension host, language server). */
  stop(): Promise<void>;
}
export function startCodeServer(options: {
  port: number;
  host?: string;
  folder?: string;
  extensionsDir: string;
  userDataDir: string;
  logFile?: string;
  env?: Record<string, string>;
  extraArgs?: string[];
  timeoutMs?: number;
  stdio?: 'log' | 'inherit';
}): Promise<RunningCodeServer>;

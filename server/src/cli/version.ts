// The tool's name and version, from package.json (inlined by esbuild at bundle time).
import { version } from '../../../package.json';

export const TOOL_NAME = 'drvmap';
export const TOOL_VERSION: string = version;
/** Where the project lives; SARIF's informationUri. The rules' pages hang below it (ruleDocUrl). */
export const TOOL_INFORMATION_URI = 'https://github.com/drvmap/drvmap';

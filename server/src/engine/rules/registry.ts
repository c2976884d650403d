// Every rule, registered in one place. Adding a rule: a module here, a line below, a section
// in docs/rules.md (the docs test checks that each code has one).
import type { Rule } from './rule';
import { syntaxError } from './syntax-error';
import { unknownName } from './unknown-name';
import { unknownWord } from './unknown-word';
import { duplicateName } from './duplicate-name';
import { duplicateSetting } from './duplicate-setting';
import { conflictingTraits } from './conflicting-traits';
import { usedBeforeDefined } from './used-before-defined';
import { wrongKind } from './wrong-kind';
import { numberOutOfRange } from './number-out-of-range';
import { reservedName } from './reserved-name';
import { missingArgument } from './missing-argument';
import { useOfFailedResult } from './use-of-failed-result';
import { kernelRefused } from './kernel-refused';
import { kernelUnmodelled } from './kernel-unmodelled';
import { wineUnmodelled } from './wine-unmodelled';
import { accessFault } from './access-fault';
import { fixedClobber } from './fixed-clobber';
import { stalePointer } from './stale-pointer';
import { pointerOutsideWindow } from './pointer-outside-window';
import { hookBypassed } from './hook-bypassed';
import { remapGranularity } from './remap-granularity';
import { windowExhausted } from './window-exhausted';
import { shadowCopyCoherent } from './shadow-copy-coherent';
import { shadowCopyClobbers } from './shadow-copy-clobbers';
import { placedUnsupported } from './placed-unsupported';
import { placedMapFailed } from './placed-map-failed';
import { hostImportUnsupported } from './host-import-unsupported';
import { hostImportNotTaken } from './host-import-not-taken';
import { placedAddressIgnored } from './placed-address-ignored';
import { memoryTypeLost } from './memory-type-lost';
import { useAfterFree } from './use-after-free';
import { vulkanValidUsage } from './vulkan-valid-usage';
import { winePlacedSizeUnaligned } from './wine-placed-size-unaligned';
import { wineFlushRangeUnaligned } from './wine-flush-range-unaligned';
import { expectationFailed } from './expectation-failed';
import { uffdSnapshotStale } from './uffd-snapshot-stale';
import { lazyFreedRead } from './lazy-freed-read';
import { aliasExposesNeighbours } from './alias-exposes-neighbours';
import { driverRangePastEnd } from './driver-range-past-end';
import { glPersistentCopy } from './gl-persistent-copy';
import { glWriteLost } from './gl-write-lost';
import { glClientRangeTooSmall } from './gl-client-range-too-small';
import { glClientRangeBusy } from './gl-client-range-busy';
import { glError } from './gl-error';
import { kernelMismatch } from './kernel-mismatch';
import { fileTooLarge } from './file-too-large';

export const RULES: readonly Rule[] = [
  syntaxError,
  unknownName,
  unknownWord,
  duplicateName,
  duplicateSetting,
  conflictingTraits,
  usedBeforeDefined,
  wrongKind,
  numberOutOfRange,
  reservedName,
  missingArgument,
  useOfFailedResult,
  kernelRefused,
  kernelUnmodelled,
  wineUnmodelled,
  accessFault,
  fixedClobber,
  stalePointer,
  pointerOutsideWindow,
  hookBypassed,
  remapGranularity,
  windowExhausted,
  shadowCopyCoherent,
  shadowCopyClobbers,
  placedUnsupported,
  placedMapFailed,
  hostImportUnsupported,
  hostImportNotTaken,
  memoryTypeLost,
  useAfterFree,
  vulkanValidUsage,
  winePlacedSizeUnaligned,
  wineFlushRangeUnaligned,
  placedAddressIgnored,
  uffdSnapshotStale,
  lazyFreedRead,
  aliasExposesNeighbours,
  driverRangePastEnd,
  glPersistentCopy,
  glWriteLost,
  glClientRangeTooSmall,
  glClientRangeBusy,
  glError,
  expectationFailed,
  kernelMismatch,
  fileTooLarge,
];

export const RULE_BY_CODE: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.code, r]));

/** Where a rule is documented; the server puts it in Diagnostic.codeDescription. */
export const RULES_DOC_URL = 'https://github.com/drvmap/drvmap/blob/main/docs/rules.md';
export function ruleDocUrl(code: string): string {
  return `${RULES_DOC_URL}#${code}`;
}

// The records of a long run, made as object literals over the record classes' prototypes
// (`{ __proto__: P, … }`) instead of by their constructors: the same fields, the same getters,
// only allocated differently.
//
// Why two ways: V8 allocates an object literal's objects straight in the old generation once
// it sees nearly all of that literal's objects survive; a class instance is always allocated
// young and copied by the scavenger, twice if it lives long enough. A long scenario's analysis
// spans many scavenges, so every record it keeps was copied twice: as literals, a 100k-step
// run's scavenges promote ≈ 25 % fewer bytes. A short one (the editor's usual document) ends
// within a scavenge or two, before most of its records are copied twice: allocated old, they
// would outlive the analysis until the next full collection, and keep the young objects they
// point at alive meanwhile (lsp10k: twice the bytes promoted, scavenges 25 % slower). So the
// runner picks literals only for long scenarios (isLongRun).
import type { Effect, MmapArgs, MremapArgs, SyscallResult } from '../kernel/types';
import type { Identifier, StepNode } from '../syntax/ast';
import {
  AccessCallWithResult,
  FormattedCall,
  heldAnswer,
  heldEffects,
  MmapCall,
  MprotectCall,
  MremapCall,
  MunmapCall,
  NoteCall,
  ReadCall,
  WriteCall,
  type OneOrList,
} from './calls';
import { BoundStepRecord, RecordedStep } from './outcome';
import type { CallRecord, Outcome, StepRecord } from './records';
import type { SymbolKind } from './symbols';

/** Scenarios with at least this many statements make their records as literals (see above). */
let longRunStatements = 30_000;

export function isLongRun(statements: number): boolean {
  return statements >= longRunStatements;
}

/** For tests: run one scenario both ways. Returns the previous threshold. */
export function setLongRunStatements(statements: number): number {
  const previous = longRunStatements;
  longRunStatements = statements;
  return previous;
}

const MMAP = MmapCall.prototype;
const MREMAP = MremapCall.prototype;
const MUNMAP = MunmapCall.prototype;
const MPROTECT = MprotectCall.prototype;
const WRITE = WriteCall.prototype;
const READ = ReadCall.prototype;
const ACCESS_WITH_RESULT = AccessCallWithResult.prototype;
const NOTE = NoteCall.prototype;
const FORMATTED = FormattedCall.prototype;
const RECORDED_STEP = RecordedStep.prototype;
const BOUND_STEP = BoundStepRecord.prototype;

export function longRunMmapCall(actor: string, args: MmapArgs, answer: SyscallResult): CallRecord {
  const effectData: OneOrList<Effect> = heldEffects(answer.effects);
  return {
    __proto__: MMAP,
    actor,
    effectData,
    answer: heldAnswer(answer),
    addr: args.addr,
    length: args.length,
    prot: args.prot,
    flags: args.flags,
    fd: args.fd,
    offset: args.offset,
  } as unknown as CallRecord;
}

export function longRunMremapCall(actor: string, args: MremapArgs, answer: SyscallResult): CallRecord {
  const effectData: OneOrList<Effect> = heldEffects(answer.effects);
  return {
    __proto__: MREMAP,
    actor,
    effectData,
    answer: heldAnswer(answer),
    oldAddress: args.oldAddress,
    oldSize: args.oldSize,
    newSize: args.newSize,
    flags: args.flags,
    newAddress: args.newAddress,
  } as unknown as CallRecord;
}

export function longRunMunmapCall(
  actor: string,
  address: bigint,
  length: bigint,
  answer: SyscallResult,
): CallRecord {
  const effectData: OneOrList<Effect> = heldEffects(answer.effects);
  return {
    __proto__: MUNMAP,
    actor,
    effectData,
    answer: heldAnswer(answer),
    address,
    length,
  } as unknown as CallRecord;
}

export function longRunMprotectCall(
  actor: string,
  address: bigint,
  length: bigint,
  prot: number,
  answer: SyscallResult,
): CallRecord {
  const effectData: OneOrList<Effect> = heldEffects(answer.effects);
  return {
    __proto__: MPROTECT,
    actor,
    effectData,
    answer: heldAnswer(answer),
    address,
    length,
    prot,
  } as unknown as CallRecord;
}

/** As accessCall (calls.ts), which picks the same prototypes. */
export function longRunAccessCall(
  actor: string,
  verb: 'write' | 'read',
  address: bigint,
  length: bigint,
  result: string,
  ok: boolean,
): CallRecord {
  if (ok && verb === 'write' && result === '')
    return { __proto__: WRITE, actor, address, length } as unknown as CallRecord;
  if (ok && verb === 'read')
    return { __proto__: READ, actor, address, length, result } as unknown as CallRecord;
  return {
    __proto__: ACCESS_WITH_RESULT,
    actor,
    address,
    length,
    verb,
    result,
    ok,
  } as unknown as CallRecord;
}

export function longRunNoteCall(
  actor: string,
  textSource: string | (() => string),
  resultSource: string | (() => string),
  ok: boolean,
): CallRecord {
  return { __proto__: NOTE, actor, textSource, resultSource, ok } as unknown as CallRecord;
}

export function longRunFormattedCall<T>(
  actor: string,
  format: (data: T) => string,
  data: T,
  result: string,
  ok: boolean,
): CallRecord {
  return { __proto__: FORMATTED, actor, format, data, result, ok } as unknown as CallRecord;
}

export function longRunRecordedStep(
  index: number,
  node: StepNode,
  actor: string,
  callsMade: OneOrList<CallRecord>,
  outcome: Outcome,
): StepRecord {
  return { __proto__: RECORDED_STEP, index, node, actor, callsMade, outcome } as unknown as StepRecord;
}

/** As BoundStepRecord's constructor, with DefinedSymbol's fields first, as it sets them. */
export function longRunBoundStep(
  index: number,
  node: StepNode & { readonly binding: Identifier },
  actor: string,
  callsMade: OneOrList<CallRecord>,
  outcome: Outcome,
  kind: SymbolKind,
): BoundStepRecord {
  return {
    __proto__: BOUND_STEP,
    referenceList: undefined,
    value: undefined,
    index,
    node,
    actor,
    callsMade,
    outcome,
    kind,
  } as unknown as BoundStepRecord;
}

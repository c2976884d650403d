// Turns a /proc/PID/maps snapshot into a scenario's initial address space: one fixed mapping per
// line, with its name kept as a comment and in the binding's name. Device mappings
// (/dev/dri/…, anon_inode:i915.gem, /dev/nvidia…) get device backing; memfd and SysV shm are
// shared objects; [heap], [stack] and anonymous lines are private anonymous memory. Lines that
// cannot be mapped from user space ([vsyscall], [vvar], [vdso]) are reported as skipped.
import { stringLiteral } from '../syntax/string-literal';
import { formatHex } from '../numbers';
import type { ImportedLine, ImportResult } from './strace';
import { isReservedWord } from '../language/vocabulary';

const LINE =
  /^([0-9a-f]+)-([0-9a-f]+)\s+([r-])([w-])([x-])([ps])\s+([0-9a-f]+)\s+([0-9a-f]+:[0-9a-f]+)\s+(\d+)\s*(.*)$/i;

export function importProcMaps(text: string, title = 'imported from /proc/PID/maps'): ImportResult {
  const lines: ImportedLine[] = [];
  const out: string[] = [`scenario ${stringLiteral(title)} {`];
  const files = new Map<string, string>();
  const used: UsedNames = { names: new Set<string>(), next: new Map<string, number>() };
  const rows = text.split(/\r?\n/);
  const parsed = rows.map(parseLine);
  const sizes = fileSizes(parsed);
  rows.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    const row = parsed[index];
    if (!row)
      return void lines.push({
        line: lineNo,
        text: raw,
        status: 'skipped',
        reason: 'not a /proc/PID/maps line',
      });
    const { start, end, offset, name } = row;
    const { r, w, x, ps } = row;
    if (['[vsyscall]', '[vvar]', '[vvar_vclock]', '[vdso]'].includes(name)) {
      return void lines.push({
        line: lineNo,
        text: raw,
        status: 'skipped',
        reason: `${name} is a special kernel mapping that user space cannot create`,
      });
    }
    if (end <= start)
      return void lines.push({ line: lineNo, text: raw, status: 'skipped', reason: 'empty range' });
    const prot = r && w && x ? 'rwx' : r && w ? 'rw' : r && x ? 'rx' : r ? 'r' : w ? 'rw' : x ? 'rx' : 'none';
    const binding = uniqueName(nameFor(name, start), used);
    out.push(`  # ${raw.trim()}`);
    const anonymous =
      name === '' || name.startsWith('[heap') || name.startsWith('[stack') || name.startsWith('[anon:');
    const length = formatHex(end - start);
    if (anonymous) {
      out.push(
        `  ${binding} = mmap ${length} ${prot} ${ps ? 'shared' : 'private'} anon${name.startsWith('[stack') ? ' growsdown' : ''} at ${formatHex(start)} fixed by host`,
      );
    } else {
      const path = row.path;
      const device = DEVICE.test(path);
      // A device's offset is a BO's fake mmap offset (drm_vma_offset_manager): each BO is an
      // object of its own, opened as a DRM node's BO at that offset (`open device … offset`),
      // and mapped with it. Other files are one object, sized to reach the furthest line of
      // them (a library's segments).
      const key = deviceKey(path, offset, start) ?? path;
      let file = files.get(key);
      if (!file) {
        file = uniqueName('f_' + nameFor(path, start), used);
        files.set(key, file);
        const kind = device ? 'device' : /^\/memfd:|^\/SYSV|^\/dev\/zero/.test(path) ? 'memfd' : 'file';
        const mixed = /^\/dev\/nvidia/.test(path) ? ' mixedmap' : '';
        const size = sizes.get(key) ?? offset + (end - start);
        // The model names a memfd `/memfd:NAME (deleted)` itself, as the kernel does.
        const openName = kind === 'memfd' ? path.replace(/^\/memfd:/, '') : path;
        const bo = device && offset !== 0n ? ` offset ${formatHex(offset)}` : '';
        out.push(`  ${file} = open ${kind} ${stringLiteral(openName)} ${formatHex(size)}${mixed}${bo}`);
      }
      const fileOffset = offset;
      out.push(
        `  ${binding} = mmap ${length} ${prot} ${ps ? 'shared' : 'private'} at ${formatHex(start)} fixed fd ${file}${fileOffset ? ` offset ${formatHex(fileOffset)}` : ''} by host`,
      );
    }
    lines.push({ line: lineNo, text: raw, status: 'imported' });
  });
  out.push('}');
  return { scenario: out.join('\n') + '\n', lines };
}

const DEVICE = /^\/dev\/(dri\/|nvidia)|^anon_inode:i915\.gem/;

/** One line of /proc/PID/maps, read once for both passes. */
interface MapsLine {
  readonly start: bigint;
  readonly end: bigint;
  readonly r: boolean;
  readonly w: boolean;
  readonly x: boolean;
  /** Shared (`s`) rather than private (`p`). */
  readonly ps: boolean;
  readonly offset: bigint;
  /** The pathname column as written, and without ` (deleted)`. */
  readonly name: string;
  readonly path: string;
}

function parseLine(raw: string): MapsLine | undefined {
  const m = LINE.exec(raw.trimEnd());
  if (!m) return undefined;
  const name = (m[10] ?? '').trim();
  return {
    start: BigInt('0x' + m[1]),
    end: BigInt('0x' + m[2]),
    r: m[3] === 'r',
    w: m[4] === 'w',
    x: m[5] === 'x',
    ps: m[6] === 's',
    offset: BigInt('0x' + m[7]),
    name,
    path: name.replace(/ \(deleted\)$/, ''),
  };
}

/**
 * For each file-backed path: the end of its furthest mapped range (offset + length); for each
 * device BO (`deviceKey`): its longest mapping.
 */
function fileSizes(rows: readonly (MapsLine | undefined)[]): Map<string, bigint> {
  const sizes = new Map<string, bigint>();
  for (const row of rows) {
    if (!row || row.path === '' || row.path.startsWith('[')) continue;
    const length = row.end - row.start;
    const key = deviceKey(row.path, row.offset, row.start);
    const end = key !== undefined ? length : row.offset + length;
    const at = key ?? row.path;
    if (end > (sizes.get(at) ?? 0n)) sizes.set(at, end);
  }
  return sizes;
}

/**
 * Which device object a line maps: a render node's BO by its fake mmap offset; an NVIDIA
 * mapping, whose offset is always 0 (facts linux-mm §6.2), by its own line, since nothing tells
 * two allocations apart. Undefined for a file that is not a device.
 */
function deviceKey(path: string, offset: bigint, start: bigint): string | undefined {
  if (!DEVICE.test(path)) return undefined;
  return /^\/dev\/nvidia/.test(path) ? `${path}@at${start}` : `${path}@${offset}`;
}

function nameFor(label: string, start: bigint): string {
  const base = label
    .replace(/ \(deleted\)$/, '')
    .replace(/^.*\//, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (!base || /^\d/.test(base)) return `map_${start.toString(16)}`;
  return base;
}

/**
 * `base`, or `base_N` with the first free N. The names taken are `used`, and the next N to try
 * per base is `used.next`: a maps dump can hold tens of thousands of one device's BOs, and
 * counting up from 2 for each was quadratic.
 */
function uniqueName(base: string, used: UsedNames): string {
  let i = used.next.get(base) ?? 2;
  let name = base;
  while (used.names.has(name) || isReservedWord(name)) name = `${base}_${i++}`;
  if (name !== base) used.next.set(base, i);
  used.names.add(name);
  return name;
}

interface UsedNames {
  readonly names: Set<string>;
  readonly next: Map<string, number>;
}

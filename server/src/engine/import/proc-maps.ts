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
  const used = new Set<string>();
  const deviceFiles = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    const m = LINE.exec(raw.trimEnd());
    if (!m)
      return void lines.push({
        line: lineNo,
        text: raw,
        status: 'skipped',
        reason: 'not a /proc/PID/maps line',
      });
    const start = BigInt('0x' + m[1]);
    const end = BigInt('0x' + m[2]);
    const [r, w, x, ps] = [m[3] === 'r', m[4] === 'w', m[5] === 'x', m[6] === 's'];
    const offset = BigInt('0x' + m[7]);
    const name = (m[10] ?? '').trim();
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
      const path = name.replace(/ \(deleted\)$/, '');
      let file = files.get(path);
      if (!file) {
        file = uniqueName('f_' + nameFor(path, start), used);
        files.set(path, file);
        const kind = /^\/dev\/(dri\/|nvidia)|^anon_inode:i915\.gem/.test(path)
          ? 'device'
          : /^\/memfd:|^\/SYSV|^\/dev\/zero/.test(path)
            ? 'memfd'
            : 'file';
        const mixed = /^\/dev\/nvidia/.test(path) ? ' mixedmap' : '';
        // A device's offset is the BO's fake mmap offset, meaningful only to the driver: the model
        // gives each device file one BO at offset 0, sized to the mapping.
        const size = kind === 'device' ? end - start : offset + (end - start);
        // The model names a memfd `/memfd:NAME (deleted)` itself, as the kernel does.
        const openName = kind === 'memfd' ? path.replace(/^\/memfd:/, '') : path;
        out.push(`  ${file} = open ${kind} ${stringLiteral(openName)} ${formatHex(size)}${mixed}`);
        if (kind === 'device') deviceFiles.add(file);
      }
      const fileOffset = deviceFiles.has(file) ? 0n : offset;
      out.push(
        `  ${binding} = mmap ${length} ${prot} ${ps ? 'shared' : 'private'} at ${formatHex(start)} fixed fd ${file}${fileOffset ? ` offset ${formatHex(fileOffset)}` : ''} by host`,
      );
    }
    lines.push({ line: lineNo, text: raw, status: 'imported' });
  });
  out.push('}');
  return { scenario: out.join('\n') + '\n', lines };
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

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 2; used.has(name) || isReservedWord(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

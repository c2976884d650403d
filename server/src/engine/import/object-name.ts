// What the importers make of the name a capture gives a mapped object, for both /proc/PID/maps
// and `strace -y`. The kernel appends " (deleted)" to an unlinked file's path (d_path; facts
// linux-mm §6.2), and names a memfd `/memfd:NAME` ("memfd:" plus memfd_create's name, on the
// shmem mount): the model names a memfd so itself, and says " (deleted)" for what it does not
// link, so the importers give it the path or memfd name alone.

/** `path` without the " (deleted)" the kernel appends to an unlinked file's path. */
export function withoutDeleted(path: string): string {
  return path.replace(/ \(deleted\)$/, '');
}

/** What `open memfd` takes for a shmem object's path: `/memfd:wow` → `wow`, `/SYSV00000000` → `SYSV00000000`. */
export function memfdName(path: string): string {
  return withoutDeleted(path).replace(/^\/(memfd:)?/, '');
}

/**
 * An fd as `strace -y` prints it: `3</dev/dri/renderD128>`. strace 6.x prints an unlinked file as
 * `3</memfd:wow>(deleted)`, older ones as `3</memfd:wow (deleted)>` (the path readlink gives).
 * `strace -yy` follows a device's path with its type and number, `3</dev/zero<char 1:5>>`
 * (printdev), which is no part of the path. `path` is undefined for a bare number (a capture
 * without -y).
 */
export function straceFd(fd: string): { readonly number: string; readonly path: string | undefined } {
  const text = fd.trim();
  // The fd's own brackets are the outermost ones, the first `<` and the last `>`, whatever the
  // path holds (strace escapes `<` and `>` in a path as `\74` and `\76`, but a raw one is read
  // whole too). Found by indexOf, not by `/<(.*)>/`: that tries every `<` in turn and scans to the
  // end from each, quadratic in a hostile capture's line of `<`s.
  const open = text.indexOf('<');
  const close = text.lastIndexOf('>');
  const shown = open >= 0 && close > open ? text.slice(open + 1, close) : undefined;
  return {
    number: /^\d+/.exec(text)?.[0] ?? (open >= 0 ? text.slice(0, open) : text),
    path: shown === undefined ? undefined : withoutDeleted(shown.replace(DEVICE_NUMBER, '')),
  };
}

/** What `strace -yy` appends to a device's path: `<char 226:128>`, `<block 8:1>`. */
const DEVICE_NUMBER = /<(?:char|block) \d+:\d+>$/;

/**
 * Whether a map of `path` is private /dev/zero: mmap_zero() (drivers/char/mem.c) calls
 * vma_set_anonymous() for a map that is not VM_SHARED, so it is private anonymous memory, as
 * MAP_PRIVATE|MAP_ANONYMOUS is. (A shared one is shmem: shmem_zero_setup.) `flags` as strace
 * names them.
 */
export function isPrivateDevZero(path: string | undefined, flags: string): boolean {
  return path === '/dev/zero' && !/MAP_SHARED/.test(flags);
}

/**
 * Why an import makes private /dev/zero anonymous memory, and where the replay differs: the VMA
 * keeps its vm_file, so maps still names it /dev/zero and it merges with nothing but /dev/zero
 * (the importer keeps such lines apart in the replay: proc-maps.ts privateFileLines).
 */
export const PRIVATE_DEV_ZERO =
  '/dev/zero mapped private is anonymous memory (mmap_zero: vma_set_anonymous), made as MAP_PRIVATE|MAP_ANONYMOUS; the kernel keeps the file, so its maps line says /dev/zero and it merges with no other anonymous memory, while the replay names it as anonymous memory';

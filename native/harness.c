// drvmap fidelity harness: runs syscall programs on the real kernel and prints what happened.
//
// Shared by the differential tests (test/fidelity/kernel-runner.ts) and the extension's
// "drvmap: Run on This Kernel" (src/harness.ts), which compiles it into its global storage.
//
// Input (stdin, line format written by test/fidelity/kernel-runner.ts from the JSON program):
//   H <mode>                          mode: maps (the arena's maps after every step) | all (every
//                                     maps line after every step, for programs that also map at
//                                     fixed addresses outside the arena) | final (the arena's maps
//                                     once, at the end) | bench (no maps; time the step loop only)
//   P                                 a program starts
//   M <addr> <len> <prot> <flags> <fdRef> <off>   mmap
//   U <addr> <len>                    munmap
//   R <old> <oldSize> <newSize> <flags> <newAddr> mremap
//   X <addr> <len> <prot>             mprotect
//   A <addr> <len> <advice>           madvise
//   L <addr> <len>                    mseal (flags 0; ENOSYS before Linux 6.10)
//   W <addr> <len> <byte>             write (memset)
//   D <addr> <len>                    read
//   F <name> <size>                   memfd_create + ftruncate; result is the fd ref (0, 1, ...)
//   E                                 the program ends
// Numbers are signed decimal (a negative value is its 64-bit two's complement). An address is
// relative to the arena base, `N` for an absolute 0 (a NULL hint), or `S<i>:<delta>` for the value
// step i of the same program returned (0 if it failed) plus delta. fdRef -1 means no fd.
//
// Output: one JSON line per program, {"arenaBase":..,"arenaSize":..,"steps":[..],"ns":..}. Every
// number that is an address inside the arena is printed relative to the arena base. A step that
// would reach the harness's own memory is not run: it prints {"op":..,"ok":false,"refused":"harness"}
// and the program ends there (`step_reaches_harness`). A read or write over MAX_READ is not done
// either: {"op":..,"ok":false,"errno":"EINVAL","refused":"length"} (the errno is the harness's own,
// for the differential tests' simulator; no kernel call was made). When a program's child dies (a
// signal, or the OOM killer), the line still holds every step it finished, then "crash": the
// signal number (or minus its exit status) — {"arenaBase":..,"arenaSize":..,"steps":[..],"crash":9}.
//
// Determinism: the harness re-execs itself with ADDR_NO_RANDOMIZE, then finds the highest free
// gap below mmap_base that holds the arena, fills every free gap above it with PROT_NONE fillers
// (so a NULL-hint mmap lands at the top of the arena, exactly like a simulator whose mmapBase is
// the arena top), and leaves the arena itself unmapped. Each program runs in a forked child, so
// every program starts from the same address space.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

// mseal(2)'s number on x86-64 (Linux 6.10), for C libraries whose headers predate it.
#define SYS_mseal_ 462

#define PG 4096UL
#define ARENA_SIZE (64UL << 30)
#define ARENA_ALIGN (1UL << 30)
#define MAX_READ (64UL << 20)

typedef struct {
  char op;
  // How the address operands (0: addr/old, 1: mremap's new address) are given: 0 arena-relative,
  // 1 absolute 0 (NULL), 2 the result of an earlier step (index in ref[]) plus the number.
  int amode[2];
  int ref[2];
  long long a[6];
  char name[64];
} step_t;

static step_t *steps;
static size_t nsteps, capsteps;
static size_t *prog_start, *prog_len;
static size_t nprogs, capprogs;
static char mode[16] = "maps";

static uintptr_t arena_base, arena_top;

static char *out;
static size_t out_len, out_cap;

// Shared with the parent (MAP_SHARED, made before the arena): how many bytes of its line the
// program's child has written to stdout, and how many of those end at a step boundary. A child
// killed mid-program (SIGKILL from the OOM killer cannot be caught) cannot finish its own line, so
// the parent finishes it from there (`finish_crashed_line`).
struct progress {
  size_t written, boundary;
};
static struct progress *progress;
static char maps_buf[8 << 20];
static unsigned char *read_buf;

static void die(const char *what) {
  char msg[256];
  int n = snprintf(msg, sizeof msg, "harness: %s: %s\n", what, strerror(errno));
  if (write(2, msg, (size_t)n) < 0) _exit(3);
  _exit(2);
}

// ---- output (into a buffer allocated before the arena is set up) ----

static void write_out(const char *s, size_t n) {
  size_t off = 0;
  while (off < n) {
    ssize_t w = write(1, s + off, n - off);
    if (w < 0) _exit(4);
    off += (size_t)w;
    if (progress) progress->written += (size_t)w;
  }
}

static void emit(const char *s, size_t n) {
  if (out_len + n > out_cap) {
    // Flush: writing out mid-program is fine (stdout is a pipe), and it needs no allocation.
    write_out(out, out_len);
    out_len = 0;
    if (n > out_cap) {
      write_out(s, n);
      return;
    }
  }
  memcpy(out + out_len, s, n);
  out_len += n;
}
static void emits(const char *s) { emit(s, strlen(s)); }
static void emitf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emitf(const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof tmp - 1) n = sizeof tmp - 1;
  emit(tmp, (size_t)n);
}
static void flush_out(void) {
  write_out(out, out_len);
  out_len = 0;
}

// After a step: what the line holds so far goes out, so a child that dies later loses none of it.
static void flush_step(void) {
  flush_out();
  if (progress) progress->boundary = progress->written;
}

static const char *errno_name(int e) {
  switch (e) {
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case ENXIO: return "ENXIO";
  case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EEXIST: return "EEXIST";
  case ENODEV: return "ENODEV";
  case EINVAL: return "EINVAL";
  case EOVERFLOW: return "EOVERFLOW";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  default: return "EUNKNOWN";
  }
}

// An address as JSON: relative to the arena base when inside the arena.
static void emit_addr_value(uintptr_t v) {
  if (v >= arena_base && v < arena_top)
    emitf("\"v\":%lld,\"rel\":true", (long long)(v - arena_base));
  else
    emitf("\"v\":%lld,\"rel\":false", (long long)v);
}

// ---- /proc/self/maps ----

static size_t read_maps(void) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open maps");
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, maps_buf + n, sizeof maps_buf - 1 - n);
    if (r < 0) die("read maps");
    if (r == 0) break;
    n += (size_t)r;
    if (n >= sizeof maps_buf - 1) {
      // A cut line would be parsed from half its fields: refuse rather than print a wrong map.
      errno = EFBIG;
      die("its /proc/self/maps is over 8 MiB");
    }
  }
  close(fd);
  maps_buf[n] = 0;
  return n;
}

typedef struct {
  uintptr_t start, end;
  char perms[5];
  unsigned long long off;
  const char *name;
  size_t name_len;
} mapline_t;

// Parses the line at *p, advances *p past it. Returns 0 at the end.
static int next_mapline(char **p, mapline_t *m) {
  char *s = *p;
  if (!*s) return 0;
  char *nl = strchr(s, '\n');
  char *e = nl ? nl : s + strlen(s);
  char *q;
  m->start = strtoul(s, &q, 16);
  m->end = strtoul(q + 1, &q, 16);
  q++;
  memcpy(m->perms, q, 4);
  m->perms[4] = 0;
  q += 5;
  m->off = strtoull(q, &q, 16);
  // dev, inode
  while (*q == ' ') q++;
  while (*q != ' ' && q < e) q++;
  while (*q == ' ') q++;
  while (*q != ' ' && q < e) q++;
  while (*q == ' ' && q < e) q++;
  m->name = q;
  m->name_len = (size_t)(e - q);
  *p = nl ? nl + 1 : e;
  return 1;
}

static void emit_json_string(const char *s, size_t n) {
  emit("\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char t[2] = {'\\', (char)c};
      emit(t, 2);
    } else if (c < 0x20) {
      emitf("\\u%04x", c);
    } else {
      emit((const char *)&s[i], 1);
    }
  }
  emit("\"", 1);
}

// The maps lines inside the arena, or with `all` every line (still arena-relative numbers).
static void emit_maps(int all) {
  read_maps();
  char *p = maps_buf;
  mapline_t m;
  int first = 1;
  emits("\"maps\":[");
  while (next_mapline(&p, &m)) {
    if (!all && (m.end <= arena_base || m.start >= arena_top)) continue;
    if (!first) emits(",");
    first = 0;
    emitf("[%lld,%lld,\"%s\",%llu,", (long long)(m.start - arena_base), (long long)(m.end - arena_base),
          m.perms, m.off);
    emit_json_string(m.name, m.name_len);
    emits("]");
  }
  emits("]");
}

// ---- arena ----

static void fill(uintptr_t start, uintptr_t end) {
  if (end <= start) return;
  void *r = mmap((void *)start, end - start, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
                 -1, 0);
  if (r == MAP_FAILED || (uintptr_t)r != start) die("filler mmap");
}

// End of the highest mapping that ends at or below addr.
static uintptr_t highest_end_below(uintptr_t addr) {
  read_maps();
  char *p = maps_buf;
  mapline_t m;
  uintptr_t best = 0;
  while (next_mapline(&p, &m))
    if (m.end <= addr && m.end > best) best = m.end;
  return best;
}

static void setup_arena(void) {
  for (int guard = 0; guard < 10000; guard++) {
    void *p = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) die("probe mmap");
    uintptr_t top = (uintptr_t)p + PG;
    if (munmap(p, PG)) die("probe munmap");
    uintptr_t below = highest_end_below((uintptr_t)p);
    if (top - below >= ARENA_SIZE + 2 * ARENA_ALIGN) {
      arena_top = top & ~(ARENA_ALIGN - 1);
      // Filled right up to the arena: a free page left above it would be the highest gap, and
      // unmapped_area_topdown (mm/mmap.c) would put NULL-hint maps there. So nothing can grow in
      // place past the arena top; Run on This Kernel marks such steps not comparable
      // (server/src/engine/export/layout-cause.ts).
      fill(arena_top, top);
      arena_base = arena_top - ARENA_SIZE;
      return;
    }
    fill(below, top);
  }
  errno = ENOSPC;
  die("no room for the arena");
}

// ---- the harness's own memory ----
//
// Every mapping the harness has before it makes its arena (its code, data, heap, libraries, stack,
// the output buffers): a program step must not reach it. A scenario from a bug report is run by
// "Run on This Kernel", and without this a write or an mprotect at an absolute address could
// rewrite the harness's own code and run whatever the scenario's author chose. The arena's
// fillers are made after this snapshot: they hold nothing, and a program may take them.

#define MAX_FOREIGN 4096
static uintptr_t foreign_start[MAX_FOREIGN], foreign_end[MAX_FOREIGN];
static size_t nforeign;

static void snapshot_foreign(void) {
  read_maps();
  char *p = maps_buf;
  mapline_t m;
  while (next_mapline(&p, &m)) {
    if (nforeign == MAX_FOREIGN) {
      errno = E2BIG;
      die("too many mappings of its own");
    }
    foreign_start[nforeign] = m.start;
    foreign_end[nforeign] = m.end;
    nforeign++;
  }
}

// Whether the pages of [addr, addr + len) meet the harness's own memory. An empty range touches
// nothing, and neither does one whose pages run past 2^64: every call refuses such a range
// (EINVAL or ENOMEM) or, mprotect with a length that rounds up to 0, does nothing; an access
// that long is over MAX_READ. (mremap's old_size that rounds up to 0 is its caller's case.)
static int reaches_harness(uintptr_t addr, unsigned long long len) {
  if (!len) return 0;
  unsigned __int128 lo = addr & ~(PG - 1);
  unsigned __int128 hi = ((unsigned __int128)addr + len + PG - 1) & ~(unsigned __int128)(PG - 1);
  if (hi > ((unsigned __int128)1 << 64)) return 0;
  for (size_t i = 0; i < nforeign; i++)
    if (lo < foreign_end[i] && hi > foreign_start[i]) return 1;
  return 0;
}

// ---- faults ----

static sigjmp_buf jump;
static volatile sig_atomic_t fault_sig;
static volatile uintptr_t fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  fault_sig = sig;
  fault_addr = (uintptr_t)si->si_addr;
  siglongjmp(jump, 1);
}

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

// ---- running ----

static int memfds[256];
static int nmemfds;

static uintptr_t results[1 << 20];

static uintptr_t addr_of(const step_t *s, int which, long long v) {
  if (s->amode[which] == 1) return 0;
  if (s->amode[which] == 2) return results[s->ref[which]] + (uintptr_t)v;
  return arena_base + (uintptr_t)v;
}

static void emit_rle(const unsigned char *b, size_t n) {
  emits("\"bytes\":[");
  size_t i = 0;
  int first = 1;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && b[j] == b[i]) j++;
    if (!first) emits(",");
    first = 0;
    emitf("[%u,%zu]", b[i], j - i);
    i = j;
  }
  emits("]");
}

// Reads or writes [addr, addr+len) page by page; returns the number of bytes done before a fault.
// A fault is reported at the first byte of the access inside the faulting page.
static volatile size_t access_done;
static int do_access(int is_write, uintptr_t addr, size_t len, unsigned char byte) {
  access_done = 0;
  fault_sig = 0;
  if (sigsetjmp(jump, 1)) return fault_sig;
  while (access_done < len) {
    uintptr_t a = addr + access_done;
    size_t chunk = PG - (a & (PG - 1));
    if (chunk > len - access_done) chunk = len - access_done;
    if (is_write)
      memset((void *)a, byte, chunk);
    else
      memcpy(read_buf + access_done, (const void *)a, chunk);
    access_done += chunk;
  }
  return 0;
}

static long long count_ok, count_err;
static const step_t *cur_prog_steps;
static int refused;

// The ranges a step would change or touch, checked against the harness's own memory. A mapping the
// kernel places itself (no MAP_FIXED, MAP_FIXED_NOREPLACE, an mremap without MREMAP_FIXED) never
// replaces one, so only its fixed forms are checked.
static int step_reaches_harness(const step_t *s) {
  switch (s->op) {
  case 'M':
    return ((int)s->a[3] & MAP_FIXED) && reaches_harness(addr_of(s, 0, s->a[0]), (unsigned long long)s->a[1]);
  case 'U':
  case 'X':
  case 'A':
  case 'L':
  case 'W':
  case 'D':
    return reaches_harness(addr_of(s, 0, s->a[0]), (unsigned long long)s->a[1]);
  case 'R': {
    // old_size 0 duplicates the (shared) mapping at the old address: that page is what it reaches.
    // So does one that PAGE_ALIGN rounds up to 0 (within a page of 2^64).
    unsigned long long old = (unsigned long long)s->a[1];
    if (old == 0 || old > ~0ULL - (PG - 1)) old = 1;
    return reaches_harness(addr_of(s, 0, s->a[0]), old) ||
           (((unsigned long)s->a[3] & MREMAP_FIXED) && reaches_harness(addr_of(s, 1, s->a[4]), (unsigned long long)s->a[2]));
  }
  default:
    return 0;
  }
}

// Runs one step. With `quiet` (bench mode) nothing is printed.
static void run_step(const step_t *s, int with_maps, int quiet) {
  long long v = 0;
  int ok = 1, err = 0, addr_result = 0, sig = 0, too_long = 0;
  size_t done = 0;
  uintptr_t acc = 0;
  if (step_reaches_harness(s)) {
    // Not run, and nor is anything after it (run_program stops): the program is cut here.
    refused = 1;
    count_err++;
    if (!quiet) emitf("{\"op\":\"%c\",\"ok\":false,\"refused\":\"harness\"}", s->op);
    return;
  }
  switch (s->op) {
  case 'M': {
    // Only a memfd this program made (by its F step's index; -1 if that step failed): any other
    // ref is no file (EBADF unless MAP_ANONYMOUS), never a descriptor the harness inherited.
    long long ref = s->a[4];
    int fd = ref >= 0 && ref < nmemfds ? memfds[ref] : -1;
    void *p = mmap((void *)addr_of(s, 0, s->a[0]), (size_t)s->a[1], (int)s->a[2], (int)s->a[3], fd,
                   (off_t)s->a[5]);
    if (p == MAP_FAILED) ok = 0, err = errno;
    else v = (long long)(uintptr_t)p, addr_result = 1;
    break;
  }
  case 'U':
    if (munmap((void *)addr_of(s, 0, s->a[0]), (size_t)s->a[1])) ok = 0, err = errno;
    break;
  case 'R': {
    void *p = (void *)syscall(SYS_mremap, addr_of(s, 0, s->a[0]), (size_t)s->a[1], (size_t)s->a[2],
                              (unsigned long)s->a[3], addr_of(s, 1, s->a[4]));
    if (p == MAP_FAILED) ok = 0, err = errno;
    else v = (long long)(uintptr_t)p, addr_result = 1;
    break;
  }
  case 'X':
    if (mprotect((void *)addr_of(s, 0, s->a[0]), (size_t)s->a[1], (int)s->a[2])) ok = 0, err = errno;
    break;
  case 'A':
    if (madvise((void *)addr_of(s, 0, s->a[0]), (size_t)s->a[1], (int)s->a[2])) ok = 0, err = errno;
    break;
  case 'L':
    // The seal lasts as long as the program's child process, which exits after the program.
    if (syscall(SYS_mseal_, addr_of(s, 0, s->a[0]), (size_t)s->a[1], 0UL)) ok = 0, err = errno;
    break;
  case 'W':
  case 'D':
    acc = addr_of(s, 0, s->a[0]);
    if ((unsigned long long)s->a[1] > MAX_READ) {
      // Refused by the harness (read_buf holds MAX_READ), not by the kernel: the line says so.
      ok = 0, err = EINVAL, too_long = 1;
      break;
    }
    sig = do_access(s->op == 'W', acc, (size_t)s->a[1], (unsigned char)s->a[2]);
    done = access_done;
    break;
  case 'F': {
    // Every F step takes the next index, made or not, as the program that refers to it counts them.
    if (nmemfds >= 256) {
      ok = 0, err = EMFILE;
      break;
    }
    int idx = nmemfds++;
    memfds[idx] = -1;
    int fd = (int)syscall(SYS_memfd_create, s->name, 0);
    if (fd < 0) ok = 0, err = errno;
    else if (ftruncate(fd, (off_t)s->a[0])) ok = 0, err = errno, close(fd);
    else memfds[idx] = fd, v = idx;
    break;
  }
  default:
    ok = 0, err = EINVAL;
  }
  results[s - cur_prog_steps] = ok ? (uintptr_t)v : 0;
  if (ok && !sig) count_ok++;
  else count_err++;
  if (quiet) return;
  emitf("{\"op\":\"%c\",", s->op);
  if (!ok) {
    emitf("\"ok\":false,\"errno\":\"%s\"", errno_name(err));
    if (too_long) emits(",\"refused\":\"length\"");
  } else if (s->op == 'W' || s->op == 'D') {
    if (sig) {
      emitf("\"ok\":false,\"signal\":\"%s\",", sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
      emit_addr_value(acc + done);
      emitf(",\"siAddrPage\":%s", (fault_addr & ~(PG - 1)) == ((acc + done) & ~(PG - 1)) ? "true" : "false");
    } else {
      emits("\"ok\":true");
    }
    if (s->op == 'D') {
      emits(",");
      emit_rle(read_buf, done);
    }
  } else {
    emits("\"ok\":true,");
    if (addr_result) emit_addr_value((uintptr_t)v);
    else emitf("\"v\":%lld,\"rel\":false", v);
  }
  if (with_maps) {
    emits(",");
    emit_maps(strcmp(mode, "all") == 0);
  }
  emits("}");
}

static void run_program(size_t p) {
  install_handlers();
  nmemfds = 0;
  int per_step = strcmp(mode, "maps") == 0 || strcmp(mode, "all") == 0;
  int bench = strcmp(mode, "bench") == 0;
  emitf("{\"arenaBase\":%llu,\"arenaSize\":%llu,\"steps\":[", (unsigned long long)arena_base,
        (unsigned long long)ARENA_SIZE);
  cur_prog_steps = &steps[prog_start[p]];
  if (prog_len[p] > sizeof results / sizeof results[0]) {
    errno = E2BIG;
    die("program too long");
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (size_t i = 0; i < prog_len[p] && !refused; i++) {
    if (!bench && i) emits(",");
    run_step(&steps[prog_start[p] + i], per_step, bench);
    if (!bench) flush_step();
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  emitf("],\"ns\":%lld,\"okCount\":%lld,\"errCount\":%lld,", ns, count_ok, count_err);
  if (per_step) emits("\"maps\":null");
  else emit_maps(0);
  emits("}\n");
  flush_out();
}

// ---- input ----

static long long num(char **p) {
  while (**p == ' ') (*p)++;
  char *e;
  long long v = strtoll(*p, &e, 10);
  *p = e;
  return v;
}
// An address operand: N (absolute 0), S<step>:<delta> (an earlier step's result plus delta), or a
// relative number.
static long long addr_tok(char **p, step_t *s, int which) {
  while (**p == ' ') (*p)++;
  if (**p == 'N') {
    (*p)++;
    s->amode[which] = 1;
    return 0;
  }
  if (**p == 'S') {
    (*p)++;
    s->amode[which] = 2;
    long ref = strtol(*p, p, 10);
    // An earlier step of the same program: anything else would read past `results`.
    if (nprogs == 0 || ref < 0 || (size_t)ref >= prog_len[nprogs - 1]) {
      errno = EINVAL;
      die("a step refers to a step that is not before it");
    }
    s->ref[which] = (int)ref;
    if (**p == ':') (*p)++;
    return strtoll(*p, p, 10);
  }
  s->amode[which] = 0;
  return num(p);
}

static void parse(char *buf) {
  char *line = buf;
  int in_prog = 0;
  while (*line) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    char *p = line + 1;
    step_t s;
    memset(&s, 0, sizeof s);
    s.op = line[0];
    int is_step = 1;
    switch (line[0]) {
    case 'H':
      while (*p == ' ') p++;
      snprintf(mode, sizeof mode, "%s", p);
      is_step = 0;
      break;
    case 'P':
      if (nprogs == capprogs) {
        capprogs = capprogs ? capprogs * 2 : 64;
        prog_start = realloc(prog_start, capprogs * sizeof *prog_start);
        prog_len = realloc(prog_len, capprogs * sizeof *prog_len);
        if (!prog_start || !prog_len) die("realloc");
      }
      prog_start[nprogs] = nsteps;
      prog_len[nprogs] = 0;
      nprogs++;
      in_prog = 1;
      is_step = 0;
      break;
    case 'E':
      in_prog = 0;
      is_step = 0;
      break;
    case 'M':
      s.a[0] = addr_tok(&p, &s, 0);
      for (int i = 1; i < 6; i++) s.a[i] = num(&p);
      break;
    case 'U':
    case 'X':
    case 'A':
    case 'L':
    case 'W':
    case 'D':
      s.a[0] = addr_tok(&p, &s, 0);
      for (int i = 1; i < (line[0] == 'U' || line[0] == 'D' || line[0] == 'L' ? 2 : 3); i++) s.a[i] = num(&p);
      break;
    case 'R':
      s.a[0] = addr_tok(&p, &s, 0);
      for (int i = 1; i < 4; i++) s.a[i] = num(&p);
      s.a[4] = addr_tok(&p, &s, 1);
      break;
    case 'F': {
      while (*p == ' ') p++;
      size_t n = strcspn(p, " ");
      if (n >= sizeof s.name) n = sizeof s.name - 1;
      memcpy(s.name, p, n);
      p += n;
      s.a[0] = num(&p);
      break;
    }
    default:
      is_step = 0;
    }
    if (is_step && in_prog) {
      if (nsteps == capsteps) {
        capsteps = capsteps ? capsteps * 2 : 1024;
        steps = realloc(steps, capsteps * sizeof *steps);
        if (!steps) die("realloc");
      }
      steps[nsteps++] = s;
      prog_len[nprogs - 1]++;
    }
    if (!nl) break;
    line = nl + 1;
  }
}

static char *read_all(int fd) {
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  if (!b) die("malloc");
  for (;;) {
    if (n + 1 >= cap) {
      cap *= 2;
      b = realloc(b, cap);
      if (!b) die("realloc");
    }
    ssize_t r = read(fd, b + n, cap - 1 - n);
    if (r < 0) die("read stdin");
    if (r == 0) break;
    n += (size_t)r;
  }
  b[n] = 0;
  return b;
}

// The line of a program whose child died: the steps it wrote (up to its last step boundary) and
// "crash". A step it was writing out when it died (one over the output buffer) cannot be cut back
// out of the pipe: then a second, complete line follows with no steps, and a reader takes the last.
static void finish_crashed_line(int crash) {
  char msg[256];
  int n;
  if (progress->written > 0 && progress->written == progress->boundary)
    n = snprintf(msg, sizeof msg, "],\"crash\":%d}\n", crash);
  else
    n = snprintf(msg, sizeof msg, "%s{\"arenaBase\":%llu,\"arenaSize\":%llu,\"steps\":[],\"crash\":%d}\n",
                 progress->written > 0 ? "\n" : "", (unsigned long long)arena_base, (unsigned long long)ARENA_SIZE,
                 crash);
  if (write(1, msg, (size_t)n) < 0) _exit(4);
}

int main(int argc, char **argv) {
  (void)argc;
  int pers = personality(0xffffffff);
  if (pers != -1 && !(pers & ADDR_NO_RANDOMIZE)) {
    if (personality((unsigned long)pers | ADDR_NO_RANDOMIZE) != -1) {
      execv("/proc/self/exe", argv);
      die("re-exec");
    }
  }
  char *input = read_all(0);
  parse(input);
  out_cap = 16 << 20;
  out = malloc(out_cap);
  read_buf = malloc(MAX_READ);
  if (!out || !read_buf) die("malloc");
  progress = mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (progress == MAP_FAILED) die("mmap progress");
  snapshot_foreign();
  setup_arena();
  pid_t harness = getpid();
  for (size_t p = 0; p < nprogs; p++) {
    progress->written = progress->boundary = 0;
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      // Killed with the harness (a timeout kills it): the program never outlives its caller.
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != harness) _exit(5);
      run_program(p);
      _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      finish_crashed_line(WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status));
  }
  return 0;
}

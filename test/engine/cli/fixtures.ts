// Scenario texts shared by the CLI tests.

/** No diagnostics at all. */
export const CLEAN = `scenario "DONTUNMAP keeps the old range, but empty" {
  kernel 6.6
  a = mmap 2MiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  expect read a, 1 == 0x00
  expect read b, 1 == 0xAB
  munmap a, 2MiB
  c = mmap 4KiB r shared anon at 0x1000_0000 fixed-noreplace
  mprotect c, 4KiB, rw
}
`;

/** Only a warning: a setting given twice. */
export const WARNING_ONLY = `scenario "twice" {
  kernel 6.6
  kernel 6.8
  a = mmap 4KiB rw private anon
}
`;

/** An error (EINVAL: unaligned MAP_FIXED) with a warning that points back at it. */
export const ERRORS = `scenario "unaligned" {
  p = mmap 4KiB rw private anon at 0x1001 fixed
  q = mremap p, 4KiB, 8KiB, maymove
}
`;

/** An error the scenario expects (`expect diagnostic`): shown as information, "(expected) …". */
export const EXPECTED = `scenario "documented" {
  p = mmap 4KiB rw private anon at 0x1001 fixed
  expect diagnostic kernel-refused
}
`;

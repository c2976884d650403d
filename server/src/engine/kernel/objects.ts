// Backing objects (MemoryObject) and the bookkeeping the model keeps about private anon objects.
import type { FileSpec, MemoryObject, ObjectKind, Vma } from './types';

/** What the table knows about an object id: not private anon, or anon still home-only, or displaced. */
const NOT_ANON = 0;
const HOME_ONLY = 1;
const DISPLACED = 2;

/**
 * Per anon-object facts needed to keep page identities apart. Private anonymous pages are keyed
 * by (anon object, pgoff) and pgoff starts as the page number of the address (facts 1.1 row 20,
 * do_mmap: `pgoff = addr >> PAGE_SHIFT`). While every VMA of an object still sits at its "home"
 * (pgoff == startPage), pgoff ranges of live VMAs cannot collide because address ranges cannot.
 * Once a piece moves (mremap keeps vm_pgoff), that shortcut is gone and the model checks.
 * Kept in parallel arrays indexed by object id (ids are dense), and a users list of one VMA is
 * the VMA itself: a run creates thousands of anon objects and keeps this table to the end.
 */
/** The longest users list kept as an array: past it, a set (removal without a search). */
const MAX_USERS_LIST = 16;

export class ObjectTable {
  private nextId = 1;
  private nextAnonVma = 1;
  /** NOT_ANON / HOME_ONLY / DISPLACED by object id. */
  private readonly anonState: number[] = [NOT_ANON];
  /**
   * Live VMAs using each anon object: none, one, a list of two to MAX_USERS_LIST (usually one to
   * three), or a set past that. Adjacent private maps merge into one kernel VMA of many records
   * sharing one anon object; a list searched on every removal made a file of N such maps cost
   * N² (review: robustness, findings 1 and 2).
   */
  private readonly users: (Vma | Vma[] | Set<Vma> | undefined)[] = [undefined];
  /**
   * Anon objects whose pages two live VMAs may map at the same pgoff: mach_vm_remap copy = FALSE
   * maps the same object again (facts linux-mm §7.5). Linux alone never does that, so the check
   * before freeing pages is skipped for every object not in here.
   */
  private readonly aliased = new Set<number>();

  create(kind: ObjectKind, name: string, sizeBytes: bigint | undefined): MemoryObject {
    const object: MemoryObject = { id: this.nextId++, kind, name, sizeBytes };
    if (kind === 'device') this.hasDevices = true;
    this.anonState.push(kind === 'anon' ? HOME_ONLY : NOT_ANON);
    this.users.push(undefined);
    return object;
  }

  /** A private anonymous object (the pages of private anon memory, or a private mapping's COW copies). */
  createAnon(homeOnly = true): MemoryObject {
    const object = this.create('anon', '', undefined);
    if (!homeOnly) this.markDisplaced(object);
    return object;
  }

  /** MAP_SHARED|MAP_ANONYMOUS: a shmem file of the mapping's size, named like /proc/PID/maps does (facts 6.2). */
  createSharedAnon(sizeBytes: bigint): MemoryObject {
    return this.create('shmem', '/dev/zero (deleted)', sizeBytes);
  }

  /**
   * The unlinked hugetlbfs file ksys_mmap_pgoff() sets up for MAP_ANONYMOUS|MAP_HUGETLB
   * (hugetlb_file_setup), one per mmap; /proc/PID/maps names it `/anon_hugepage (deleted)`.
   */
  createAnonHugetlb(sizeBytes: bigint, pagesPerHugePage: number): MemoryObject {
    const object: MemoryObject = {
      id: this.nextId++,
      kind: 'hugetlb',
      name: '/anon_hugepage (deleted)',
      sizeBytes,
      pagesPerHugePage,
    };
    this.anonState.push(NOT_ANON);
    this.users.push(undefined);
    return object;
  }

  createForFile(spec: FileSpec): MemoryObject {
    const name = spec.kind === 'memfd' ? `/memfd:${spec.name} (deleted)` : spec.name;
    return this.create(spec.kind, name, spec.sizeBytes);
  }

  /** A new anon_vma identity (anon_vma_prepare found none to reuse). */
  newAnonVma(): number {
    return this.nextAnonVma++;
  }

  isHomeOnly(object: MemoryObject): boolean {
    return this.anonState[object.id] === HOME_ONLY;
  }

  /**
   * How many records map each device object (a DRM BO), by object id: a BO closed at vkFreeMemory
   * is destroyed, and its fake offset freed, when its last mapping goes (kernel/drm-offsets.ts).
   * Counted only once a device object exists, so a scenario without one pays nothing per VMA.
   */
  private readonly deviceRecords = new Map<number, number>();
  private hasDevices = false;

  /** Whether any VMA maps this device object. */
  isDeviceMapped(object: MemoryObject): boolean {
    return (this.deviceRecords.get(object.id) ?? 0) > 0;
  }

  /** Told when the last record of a device object goes (after the change that removed it). */
  onDeviceUnmapped: ((object: MemoryObject) => void) | undefined;

  /** Counts a record of a device object in or out; true when it was the object's last. */
  private countDeviceRecord(v: Vma, delta: number): boolean {
    const id = v.object.id;
    const count = (this.deviceRecords.get(id) ?? 0) + delta;
    if (count > 0) this.deviceRecords.set(id, count);
    else this.deviceRecords.delete(id);
    return count <= 0;
  }

  /** Keep the users lists current: called for every VmaSet change. */
  updateUsers(removed: readonly Vma[], inserted: readonly Vma[]): void {
    const users = this.users;
    const devices = this.hasDevices;
    let unmapped: MemoryObject[] | undefined;
    // Indexed loops: `for…of` here allocated an iterator result per element (the lists differ in
    // elements kind, so V8 did not optimise the iteration away).
    for (let k = 0; k < removed.length; k++) {
      const v = removed[k] as Vma;
      // A change that replaces a device object's records (a split) takes them out before it puts
      // the new ones in: whether the object is still mapped is known after both.
      if (devices && v.object.kind === 'device' && this.countDeviceRecord(v, -1))
        (unmapped ??= []).push(v.object);
      if (v.anon === undefined) continue;
      const id = v.anon.id;
      const list = users[id];
      if (list === v) users[id] = undefined;
      else if (Array.isArray(list)) {
        const k = list.indexOf(v);
        if (k >= 0) {
          list[k] = list[list.length - 1] as Vma;
          list.pop();
          if (list.length === 1) users[id] = list[0];
        }
      } else if (list instanceof Set) {
        list.delete(v);
        if (list.size <= MAX_USERS_LIST) users[id] = [...list];
      }
    }
    for (let k = 0; k < inserted.length; k++) {
      const v = inserted[k] as Vma;
      if (devices && v.object.kind === 'device') this.countDeviceRecord(v, 1);
      if (v.anon === undefined || this.anonState[v.anon.id] === NOT_ANON) continue;
      const id = v.anon.id;
      const list = users[id];
      // The usual shapes first: one user, or a short list; a set only past MAX_USERS_LIST.
      if (list === undefined) users[id] = v;
      else if (Array.isArray(list)) {
        if (list.length < MAX_USERS_LIST) list.push(v);
        else users[id] = new Set(list).add(v);
      } else if (list instanceof Set) list.add(v);
      else users[id] = [list, v];
    }
    if (unmapped !== undefined && this.onDeviceUnmapped !== undefined)
      for (const object of unmapped) if (!this.isDeviceMapped(object)) this.onDeviceUnmapped(object);
  }

  usersOf(object: MemoryObject): Iterable<Vma> {
    const list = this.users[object.id];
    return list === undefined ? [] : Array.isArray(list) || list instanceof Set ? list : [list];
  }

  /** mach_vm_remap copy = FALSE mapped this object a second time: its pages may have several users. */
  markAliased(object: MemoryObject): void {
    this.aliased.add(object.id);
  }

  isAliased(object: MemoryObject): boolean {
    return this.aliased.size !== 0 && this.aliased.has(object.id);
  }

  markDisplaced(object: MemoryObject): void {
    if (this.anonState[object.id] === HOME_ONLY) this.anonState[object.id] = DISPLACED;
  }
}

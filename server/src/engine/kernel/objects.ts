// Backing objects (MemoryObject) and the bookkeeping the model keeps about private anon objects.
import type { FileSpec, MemoryObject, ObjectKind, Vma } from './types';

/**
 * Per anon-object facts needed to keep page identities apart. Private anonymous pages are keyed
 * by (anon object, pgoff) and pgoff starts as the page number of the address (facts 1.1 row 20,
 * do_mmap: `pgoff = addr >> PAGE_SHIFT`). While every VMA of an object still sits at its "home"
 * (pgoff == startPage), pgoff ranges of live VMAs cannot collide because address ranges cannot.
 * Once a piece moves (mremap keeps vm_pgoff), that shortcut is gone and the model checks.
 */
interface AnonMeta {
  homeOnly: boolean;
  /** Live VMAs using this anon object (usually one to three). */
  users: Vma[];
}

export class ObjectTable {
  private nextId = 1;
  private nextAnonVma = 1;
  /** Indexed by object id (ids are dense). */
  private readonly anonMeta: (AnonMeta | undefined)[] = [];

  create(kind: ObjectKind, name: string, sizeBytes: bigint | undefined): MemoryObject {
    const object: MemoryObject = { id: this.nextId++, kind, name, sizeBytes };
    if (kind === 'anon') this.anonMeta[object.id] = { homeOnly: true, users: [] };
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

  createForFile(spec: FileSpec): MemoryObject {
    const name = spec.kind === 'memfd' ? `/memfd:${spec.name} (deleted)` : spec.name;
    return this.create(spec.kind, name, spec.sizeBytes);
  }

  /** A new anon_vma identity (anon_vma_prepare found none to reuse). */
  newAnonVma(): number {
    return this.nextAnonVma++;
  }

  isHomeOnly(object: MemoryObject): boolean {
    return this.anonMeta[object.id]?.homeOnly ?? false;
  }

  /** Keep the users lists current: called for every VmaSet change. */
  updateUsers(removed: readonly Vma[], inserted: readonly Vma[]): void {
    for (const v of removed) {
      if (v.anon === undefined) continue;
      const users = this.anonMeta[v.anon.id]?.users;
      if (users === undefined) continue;
      const k = users.indexOf(v);
      if (k >= 0) {
        users[k] = users[users.length - 1] as Vma;
        users.pop();
      }
    }
    for (const v of inserted) if (v.anon !== undefined) this.anonMeta[v.anon.id]?.users.push(v);
  }

  usersOf(object: MemoryObject): readonly Vma[] {
    return this.anonMeta[object.id]?.users ?? [];
  }

  markDisplaced(object: MemoryObject): void {
    const meta = this.anonMeta[object.id];
    if (meta) meta.homeOnly = false;
  }
}

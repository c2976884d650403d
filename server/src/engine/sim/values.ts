// What a name stands for while the scenario runs.
import type { Datum, OpenFile } from '../kernel/types';
import type { VkMemory } from '../model/vk-memory';

export type RuntimeValue =
  | { readonly kind: 'address'; readonly value: bigint; readonly step: number }
  | { readonly kind: 'memory'; readonly memory: VkMemory; readonly step: number }
  | { readonly kind: 'file'; readonly file: OpenFile; readonly step: number }
  | { readonly kind: 'data'; readonly datum: Datum; readonly step: number }
  | { readonly kind: 'status'; readonly step: number }
  | { readonly kind: 'failed'; readonly step: number; readonly reason: string };

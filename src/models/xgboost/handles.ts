import type { NativeHandle } from './library.ts';

/**
 * Safety net for handles a caller forgot to free: when the JS wrapper is
 * garbage-collected, the native object is released too. Explicit `free()` is
 * the rule (GC timing is unpredictable and native memory is invisible to the
 * JS heap); `free()` unregisters, so nothing is ever freed twice.
 */
interface Held {
  handle: NativeHandle;
  release(handle: NativeHandle): number;
}

const registry = new FinalizationRegistry<Held>((held) => {
  held.release(held.handle);
});

export function trackHandle(
  owner: object,
  handle: NativeHandle,
  release: (handle: NativeHandle) => number,
): void {
  registry.register(owner, { handle, release }, owner);
}

export function untrackHandle(owner: object): void {
  registry.unregister(owner);
}

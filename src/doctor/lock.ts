import { formatAge, inspectLock, type LockState } from '../lock.ts';
import type { Check } from './check.ts';

/** The home's lock: free or held by a live mlx is healthy; a leftover one is not. */
export function lockCheck(lockFile: string, state: LockState = inspectLock(lockFile)): Check {
  switch (state.state) {
    case 'free':
      return { name: 'lock', ok: true, detail: 'not held' };
    case 'held':
      return {
        name: 'lock',
        ok: true,
        detail: `held by pid ${state.owner.pid} on ${state.owner.host} (mlx ${state.owner.command}, since ${state.owner.started_at})`,
      };
    case 'foreign':
      return {
        name: 'lock',
        ok: false,
        detail: `${lockFile} was taken on another host, ${state.owner.host}, by pid ${state.owner.pid} (mlx ${state.owner.command}, ${state.owner.started_at}), ${formatAge(state.ageMs)} ago; whether that process still runs cannot be checked from here`,
        hint: `if no mlx runs on ${state.owner.host} any more, mlx doctor --repair --break-lock clears it`,
      };
    case 'dead-owner':
      return {
        name: 'lock',
        ok: false,
        detail: `${lockFile} was left by pid ${state.owner.pid} (mlx ${state.owner.command}, ${state.owner.started_at}): ${state.why}`,
        hint: 'the next writer takes it over; mlx doctor --repair removes it now',
      };
    case 'unreadable':
      return {
        name: 'lock',
        ok: false,
        detail: `${lockFile} is unreadable (${state.bytes} bytes, ${Math.round(state.ageMs / 1000)} s old): a writer that could not write it, e.g. on a full disk`,
        hint: 'writers take it over once it is a minute old; mlx doctor --repair removes it now',
      };
    case 'not-a-file':
      return {
        name: 'lock',
        ok: false,
        detail: `${lockFile} is ${state.what}, not a lock file mlx wrote: every writer refuses to start`,
        hint: 'mlx doctor --repair moves it aside (nothing is deleted)',
      };
  }
}

import v8 from 'node:v8';
import vm from 'node:vm';
import koffi from 'koffi';

/**
 * Give memory that is garbage back to the system now. Train's feature panel
 * (0.7 GB on 304 stocks) is garbage once the dataset is built, but what follows
 * allocates mostly outside V8's heap (XGBoost's matrices, the LSTM's
 * WebAssembly memory), which prompts no collection, and glibc keeps freed
 * blocks of that size for reuse: without this the panel's memory stays
 * through the fits and adds to their peak (2.56 GB instead of about 2 GB on
 * the 304). Two full collections (the second frees the array buffers the
 * first found dead), then glibc's malloc_trim where there is one.
 */
export async function releaseMemory(): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  gc?.();
  trim()?.(0);
}

let mallocTrim: ((pad: number) => number) | null | undefined;

function trim(): ((pad: number) => number) | null {
  if (mallocTrim !== undefined) return mallocTrim;
  try {
    mallocTrim =
      process.platform === 'linux'
        ? (koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number)
        : null;
  } catch {
    // Not glibc (musl, say): its allocator returns memory differently.
    mallocTrim = null;
  }
  return mallocTrim;
}

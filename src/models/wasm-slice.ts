import type * as TfModule from '@tensorflow/tfjs';

type Tf = typeof TfModule;
type TensorInfo = TfModule.TensorInfo;

/** What the wasm backend's kernels are given, as far as slicing needs it. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: TfModule.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The dtypes the wasm heap holds as plain typed arrays. */
const HEAP_TYPES = new Set<string>(['float32', 'int32', 'bool']);

/**
 * The wasm backend's `Slice` and `SplitV` kernels with a contiguous slice
 * copied straight from the wasm heap. tfjs 4.22's own slice first copies the
 * whole input out of the heap (`readSync`), then the slice from that copy,
 * and `split` slices once per piece: the LSTM splits its four gates out of one
 * block at every timestep, so each step copied that block four times over.
 * Strided slices and other dtypes keep tfjs's kernel. The values are the same.
 */
export function patchWasmSlice(tf: Tf): void {
  const slice = tf.getKernel('Slice', 'wasm');
  const splitV = tf.getKernel('SplitV', 'wasm');
  if (!slice || !splitV) return;
  const isContiguous = (x: TensorInfo, begin: number[], size: number[]) =>
    HEAP_TYPES.has(x.dtype) && tf.slice_util.isSliceContinous(x.shape, begin, size);
  /** The slice of `x` from `begin` of `size`, or null when it is not one contiguous run. */
  const contiguous = (
    backend: WasmBackend,
    x: TensorInfo,
    begin: number[],
    size: number[],
  ): TensorInfo | null => {
    if (!isContiguous(x, begin, size)) return null;
    const out = backend.makeOutput(size, x.dtype);
    // Views of the heap are taken after makeOutput, which may grow (and move) it.
    const start = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    const length = tf.util.sizeFromShape(size);
    backend
      .typedArrayFromHeap(out)
      .set(backend.typedArrayFromHeap(x).subarray(start, start + length));
    return out;
  };
  const replace = (kernelName: string, kernelFunc: TfModule.KernelFunc) => {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };
  replace('Slice', (args) => {
    const x = args.inputs.x as TensorInfo;
    const { begin, size } = args.attrs as { begin: number | number[]; size?: number | number[] };
    const [from, extent] = tf.slice_util.parseSliceParams(x as TfModule.Tensor, begin, size);
    return (
      contiguous(args.backend as unknown as WasmBackend, x, from, extent) ?? slice.kernelFunc(args)
    );
  });
  replace('SplitV', (args) => {
    const x = args.inputs.x as TensorInfo;
    const { numOrSizeSplits, axis } = args.attrs as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    const at = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as TfModule.Tensor, numOrSizeSplits, at);
    const backend = args.backend as unknown as WasmBackend;
    const slices = sizes.map((s, i) => {
      const begin = new Array<number>(x.shape.length).fill(0);
      begin[at] = sizes.slice(0, i).reduce((sum, n) => sum + n, 0);
      const size = [...x.shape];
      size[at] = s;
      return { begin, size };
    });
    if (slices.some(({ begin, size }) => !isContiguous(x, begin, size)))
      return splitV.kernelFunc(args);
    return slices.map(({ begin, size }) => contiguous(backend, x, begin, size) as TensorInfo);
  });
}

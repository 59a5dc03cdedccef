const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * A series as block characters for a terminal line (pure), at most `width`
 * of them: a longer series is averaged into `width` buckets.
 */
export function sparkline(values: readonly number[], width = 40): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  const buckets =
    finite.length <= width
      ? finite
      : Array.from({ length: width }, (_, i) => {
          const part = finite.slice(
            Math.floor((i * finite.length) / width),
            Math.floor(((i + 1) * finite.length) / width),
          );
          return part.reduce((s, v) => s + v, 0) / part.length;
        });
  const min = Math.min(...buckets);
  const max = Math.max(...buckets);
  return buckets
    .map((v) => BLOCKS[max === min ? 3 : Math.round(((v - min) / (max - min)) * 7)])
    .join('');
}

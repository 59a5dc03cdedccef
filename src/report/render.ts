import type { LoggerInterface } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite spec drawn to a static SVG string in Node: no browser, no
 * canvas, no network (every spec carries its data inline). Vega lays out
 * text with an estimate of its width that errs wide, so labels and legends
 * get room to spare rather than spilling out of the chart.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }> {
  // Loaded on demand: only report --html pays for the charting libraries.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const warnings: string[] = [];
  const logger = new CollectingLogger(warnings);
  const compiled = vegaLite.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    return { svg: await view.toSVG(), warnings };
  } finally {
    view.finalize();
  }
}

/** A vega logger that keeps warnings for the caller and turns errors into exceptions. */
class CollectingLogger implements LoggerInterface {
  private current = 2;

  constructor(private readonly warnings: string[]) {}

  level(): number;
  level(value: number): this;
  level(value?: number): number | this {
    if (value === undefined) return this.current;
    this.current = value;
    return this;
  }

  error(...args: readonly unknown[]): this {
    throw new Error(`chart: ${args.map(String).join(' ')}`);
  }

  warn(...args: readonly unknown[]): this {
    this.warnings.push(args.map(String).join(' '));
    return this;
  }

  info(): this {
    return this;
  }

  debug(): this {
    return this;
  }
}

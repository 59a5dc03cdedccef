/** What a bench module gets: it reports figures, the runner prints them. */
export interface BenchReporter {
  /** One measured figure, e.g. figure('import 277,169 bars', 4.2, 's', 'goal < 10 s'). */
  figure(name: string, value: number, unit: string, goal?: string): void;
  note(text: string): void;
}

export type BenchModule = { bench(report: BenchReporter): Promise<void> };

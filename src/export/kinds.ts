import type { ExportFormat } from './write.ts';

// Apart from the export itself so `mlx --help` can name them without loading DuckDB.
export const EXPORT_KINDS = ['bars', 'features', 'predictions', 'verifications'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'csv'];

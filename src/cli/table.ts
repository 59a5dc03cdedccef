import Table from 'cli-table3';

/** A plain table for stdout: borders on a TTY, tab-free aligned columns otherwise. */
export function renderTable(head: string[], rows: (string | number)[][], tty: boolean): string {
  const table = new Table({
    head,
    style: { head: tty ? ['bold'] : [], border: tty ? ['grey'] : [] },
    chars: tty
      ? undefined
      : {
          top: '',
          'top-mid': '',
          'top-left': '',
          'top-right': '',
          bottom: '',
          'bottom-mid': '',
          'bottom-left': '',
          'bottom-right': '',
          left: '',
          'left-mid': '',
          mid: '',
          'mid-mid': '',
          right: '',
          'right-mid': '',
          middle: '  ',
        },
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

export function formatPct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${(value * 100).toFixed(digits)}%`;
}

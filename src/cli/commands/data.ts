import type { Command } from 'commander';
import { Option } from 'commander';
import { ExitCode } from '../../errors.ts';
import { requireSymbol } from '../../exchanges.ts';
import { flag, parseDate, parseSeed, wholeNumber } from '../flags.ts';
import { action } from '../runtime.ts';
import { formatNumber, renderTable } from '../table.ts';

export function registerDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description('the price store: import, fetch, list and inspect daily bars');

  data
    .command('import')
    .description('import daily bars from CSV files (format auto-detected)')
    .argument(
      '<files...>',
      'CSV files: AlphaVantage daily-adjusted, Yahoo, or generic OHLCV; a Symbol,Name,Sector file adds names',
    )
    .addOption(
      flag('symbol', 'symbol of a single file (default: the file name, e.g. AAPL.csv → AAPL)'),
    )
    .addOption(
      new Option(
        '--on-bad-row <policy>',
        'fail: a bad row fails the import; skip: leave bad rows out and count them',
      )
        .choices(['fail', 'skip'])
        .default('fail'),
    )
    .addHelpText(
      'after',
      `
Importing the same file twice changes nothing; a changed bar is updated and the revision recorded.
A bad row fails the whole import (nothing is written) naming the file, line and field.

In the examples, tcs-daily.csv and messy.csv stand for files of your own.

Examples:
  mlx data import ../shared/data/sp500/*.csv      the 55 real stocks beside this clone
  mlx data import --symbol TCS.NS tcs-daily.csv
  mlx data import --on-bad-row skip messy.csv --json | jq .bad_rows`,
    )
    .action(
      action(
        async (inv, files: string[], options: { symbol?: string; onBadRow: 'fail' | 'skip' }) => {
          const { importFiles } = await import('../../commands/data-import.ts');
          const result = await importFiles(inv.ctx, {
            files,
            symbol: options.symbol,
            onBadRow: options.onBadRow,
          });
          inv.emit(result, () =>
            renderTable(
              ['symbol', 'format', 'rows', 'new', 'updated', 'unchanged', 'bad rows'],
              result.files.map((f) => [
                f.symbol,
                f.format,
                f.rows,
                f.inserted,
                f.updated,
                f.unchanged,
                f.bad_rows.length,
              ]),
              inv.terminal,
            ),
          );
          inv.ctx.log.info(
            `imported ${result.files.length} file(s): ${result.inserted} new bars, ${result.updated} updated, ` +
              `${result.unchanged} unchanged${result.bad_rows ? `, ${result.bad_rows} bad rows skipped` : ''}`,
          );
          return ExitCode.ok;
        },
      ),
    );

  data
    .command('fetch')
    .description(
      'download daily bars incrementally (Yahoo), or generate the seeded synthetic market',
    )
    .argument(
      '[symbols...]',
      'symbols to fetch (default: the config universe, else every stored symbol)',
    )
    .addOption(
      new Option('--source <source>', 'yahoo, or synthetic (offline, seeded, labelled synthetic)')
        .choices(['yahoo', 'synthetic'])
        .default(undefined, 'the config "source", yahoo'),
    )
    .option(
      '--from <date>',
      'first day for symbols not yet stored (default: 10 years back; synthetic: 6 years)',
      parseDate,
    )
    .option('--to <date>', 'last day (default: the last closed session)', parseDate)
    .option(
      '--count <n>',
      'synthetic: how many symbols',
      wholeNumber({ min: 1, max: 5000, unit: 'symbols' }),
      50,
    )
    .option('--seed <n>', 'synthetic: the seed (default: the config seed, 42)', parseSeed)
    .addHelpText(
      'after',
      `
Stored symbols are refreshed from ten sessions before their last bar, so revisions are seen
(and kept in the store's revision log). A session that has not closed yet is never stored.
One symbol's failure does not stop the others: exit 3, and the JSON lists each failure.

Yahoo needs the network; the synthetic market does not.

Examples:
  mlx data fetch AAPL MSFT TCS.NS                 from Yahoo
  mlx data fetch                                  refresh everything stored, from Yahoo
  mlx data fetch --source synthetic --count 20 --seed 7
  mlx data fetch --json | jq '.failures'          from Yahoo: what failed, and why`,
    )
    .action(
      action(
        async (
          inv,
          symbols: string[],
          options: {
            source?: 'yahoo' | 'synthetic';
            from?: string;
            to?: string;
            count: number;
            seed?: number;
          },
        ) => {
          const { fetchData } = await import('../../commands/data-fetch.ts');
          const result = await fetchData(inv.ctx, {
            symbols,
            source: options.source ?? inv.ctx.config.source,
            from: options.from,
            to: options.to,
            count: options.count,
            seed: options.seed,
          });
          inv.emit(result, () =>
            renderTable(
              ['symbol', 'from', 'last', 'new', 'updated', 'unchanged', 'note'],
              [
                ...result.symbols.map((s) => [
                  s.symbol,
                  s.from,
                  s.last ?? '–',
                  s.inserted,
                  s.updated,
                  s.unchanged,
                  s.dropped_open_session
                    ? `${s.dropped_open_session} still trading: not stored`
                    : '',
                ]),
                ...result.failures.map((f) => [f.symbol, '', '', '', '', '', `failed: ${f.error}`]),
              ],
              inv.terminal,
            ),
          );
          if (result.failures.length > 0) {
            inv.ctx.log.warn(
              result.symbols.length > 0
                ? `${result.failures.length} symbol(s) failed; the others were stored`
                : 'no symbol could be fetched; the store is unchanged',
            );
          }
          return result.exit_code;
        },
      ),
    );

  data
    .command('ls')
    .description('list stored symbols with their ranges, row counts and quality flags')
    .addHelpText(
      'after',
      `
Examples:
  mlx data ls
  mlx data ls --json | jq '.[] | select(.missing_sessions > 0) | .symbol'`,
    )
    .action(
      action(async (inv) => {
        const { listStored } = await import('../../commands/data-ls.ts');
        const symbols = await listStored(inv.ctx);
        if (symbols.length === 0) inv.ctx.log.info(`nothing stored in ${inv.ctx.home.root} yet`);
        inv.emit(symbols, () =>
          renderTable(
            [
              'symbol',
              'first',
              'last',
              'rows',
              'missing',
              'zero vol',
              'splits',
              'divs',
              '>40% moves',
              'source',
            ],
            symbols.map((s) => [
              s.symbol,
              s.first,
              s.last,
              s.rows,
              s.missing_sessions,
              s.zero_volume_days,
              s.splits,
              s.dividends,
              s.suspicious_moves,
              s.synthetic ? 'synthetic' : s.source,
            ]),
            inv.terminal,
          ),
        );
        return ExitCode.ok;
      }),
    );

  data
    .command('show')
    .description('one symbol in detail: last bar, events, gaps, zero-volume days, suspicious moves')
    .argument('<symbol>', 'a stored symbol')
    .addHelpText(
      'after',
      `
Examples:
  mlx data show AAPL
  mlx data show AAPL --json | jq .quality.splits`,
    )
    .action(
      action(async (inv, rawSymbol: string) => {
        const symbol = requireSymbol(rawSymbol);
        const { showStored } = await import('../../commands/data-ls.ts');
        const detail = await showStored(inv.ctx, symbol);
        inv.emit(detail, () => {
          const q = detail.quality;
          const list = <T>(items: T[], show: (item: T) => string, limit = 12) =>
            items.length === 0
              ? 'none'
              : items.slice(0, limit).map(show).join(', ') +
                (items.length > limit ? `, … (${items.length} in all)` : '');
          return [
            `${detail.symbol}${detail.name ? `  ${detail.name}` : ''}${detail.synthetic ? '  [synthetic]' : ''}`,
            `exchange ${detail.exchange} (${detail.timezone})  source ${detail.source}  revisions ${detail.revisions}`,
            `range ${detail.first} → ${detail.last}, ${detail.rows} bars`,
            `last bar ${detail.last_bar.date}: open ${detail.last_bar.open} high ${detail.last_bar.high} ` +
              `low ${detail.last_bar.low} close ${detail.last_bar.close} volume ${detail.last_bar.volume} ` +
              `(adjusted close ${formatNumber(detail.last_bar.adjusted_close, 4)})`,
            `splits: ${list(q.splits, (s) => `${s.date} ×${formatNumber(s.ratio, 4)}`)}`,
            `dividends: ${q.dividends.length}${q.dividends.length ? ` (last ${q.dividends.at(-1)!.date}: ${q.dividends.at(-1)!.amount})` : ''}`,
            `missing sessions: ${list(q.missing_sessions, (d) => d)}`,
            `zero-volume days: ${list(q.zero_volume_days, (d) => d)}`,
            `one-day adjusted moves over 40%: ${list(q.suspicious_moves, (m) => `${m.date} ${m.change_pct}%`)}`,
          ].join('\n');
        });
        return ExitCode.ok;
      }),
    );
}

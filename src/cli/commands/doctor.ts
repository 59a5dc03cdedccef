import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { action } from '../runtime.ts';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check libxgboost, the tfjs backend, store and ledger integrity, and the models')
    .option(
      '--repair',
      'move torn, invalid, duplicate, edited and refused ledger lines into quarantine/ (never deleted), append records the index holds back into the ledger, ' +
        'append a seal line chaining lines from before digests (and recording breaks left), rebuild the index and replay the weights; ' +
        'remove a lock left by a gone process or one nobody can read, move a symlink or folder at the lock path aside; ' +
        'remove temporary files of killed commands; move impossible stored bars into the revision log',
      false,
    )
    .option(
      '--break-lock',
      'with --repair: also clear a lock taken on another host (a shared home), once you know no mlx runs there',
      false,
    )
    .option(
      '--reindex',
      'drop the derived tables and rebuild them from the ledgers (index, weights)',
      false,
    )
    .addHelpText(
      'after',
      `
Checks libxgboost, the tfjs backend, the home's lock, temporary files of killed commands, the
price store and its bars (any stored before mlx checked them: a future date, a weekend, high below
low), both ledgers (bad lines, duplicated records, committed records missing from a ledger, lines
whose digest does not chain, verifications of unknown or not yet due predictions) and every
promoted model, loaded as predict loads it, each file checked against its SHA-256. Each failing check says what --repair would do, or what to do instead.
Exit 0 when every check passes, 1 otherwise.

Examples:
  mlx doctor
  mlx doctor --repair
  mlx doctor --json | jq '.checks[] | select(.ok | not)'`,
    )
    .action(
      action(async (inv, options: { repair: boolean; reindex: boolean; breakLock: boolean }) => {
        if (options.breakLock && !options.repair)
          throw new UsageError('--break-lock goes with --repair: mlx doctor --repair --break-lock');
        const { doctor } = await import('../../commands/doctor.ts');
        const result = await doctor(inv.ctx, options);
        inv.emit(result, () =>
          [
            ...result.checks.map(
              (c) =>
                `${c.ok ? inv.terminal.paint.green('ok  ') : inv.terminal.paint.red('FAIL')} ${c.name}: ${c.detail}${c.hint ? `\n     ${c.hint}` : ''}`,
            ),
            ...result.repaired.map(
              (r) => `repaired ${r.file}: ${r.moved} line(s) moved to ${r.quarantine}`,
            ),
            ...result.restored.map(
              (r) => `restored ${r.records} ${r.ledger} record(s) from the index into ${r.file}`,
            ),
            ...result.sealed.map(
              (r) =>
                `sealed ${r.file}: a line appended that chains ${r.unchained} line(s) written before digests` +
                (r.accepted ? ` and records ${r.accepted} break(s) left after the repair` : ''),
            ),
            result.lock_cleared ? `removed the leftover lock ${inv.ctx.home.lock}` : '',
            result.bars_removed
              ? `moved ${result.bars_removed} impossible bar(s) from the store into bar_revisions`
              : '',
            result.reindexed
              ? `reindexed: ${result.reindexed.predictions} predictions, ${result.reindexed.verifications} verifications, ${result.reindexed.weight_changes} weight changes replayed`
              : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
        return result.exit_code;
      }),
    );
}

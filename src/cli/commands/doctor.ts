import type { Command } from 'commander';
import { doctor } from '../../commands/doctor.ts';
import { action } from '../runtime.ts';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check libxgboost, the tfjs backend, store and ledger integrity, and the models')
    .option(
      '--repair',
      'move torn or invalid ledger lines aside into predictions/quarantine/ (never deleted)',
      false,
    )
    .option(
      '--reindex',
      'drop the derived tables and rebuild them from the ledgers (index, weights)',
      false,
    )
    .addHelpText(
      'after',
      `\nExit 0 when every check passes, 1 otherwise.\n\nExamples:\n  mlx doctor\n  mlx doctor --repair --reindex\n  mlx doctor --json | jq '.checks[] | select(.ok | not)'`,
    )
    .action(
      action(async (inv, options: { repair: boolean; reindex: boolean }) => {
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

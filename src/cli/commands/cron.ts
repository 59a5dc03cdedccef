import type { Command } from 'commander';
import { ExitCode } from '../../errors.ts';
import { action } from '../runtime.ts';

export function registerCronCommand(program: Command): void {
  program
    .command('cron')
    .description('print crontab lines for this home, with absolute paths to node and mlx')
    .option('--log <file>', 'where the jobs append their output (default: cron.log in the home)')
    .option('--no-log', 'no redirection: cron mails the output instead')
    .addHelpText(
      'after',
      `
cron runs jobs with a bare PATH (/usr/bin:/bin) and no login profile, so a line that says just
"mlx" fails there. These lines name node, mlx and the home by absolute path. Each passes
--wait 3600, so a job that finds another mlx running waits for it instead of exiting 4.
Times are this machine's local time (its time zone, TZ, daylight saving included): predict runs
30 minutes after the US close (16:00 New York), on the local days that follow New York's
Monday to Friday (in Tokyo, Tuesday to Saturday). Without crontab, Debian's package cron
provides it.

Examples:
  mlx cron
  (crontab -l 2>/dev/null; mlx cron) | crontab -      add them to your crontab
  mlx --home ~/mlx cron --json | jq -r '.entries[].line'`,
    )
    .action(
      action(async (inv, options: { log: string | boolean }) => {
        const { cron, crontabInstalled } = await import('../../commands/cron.ts');
        const result = cron(inv.ctx, {
          log: options.log === true ? undefined : options.log === false ? false : options.log,
        });
        inv.emit(result, () => result.crontab);
        if (!crontabInstalled())
          inv.ctx.log.warn(
            'crontab is not installed here: on Debian/Ubuntu the package cron provides it (sudo apt-get install cron)',
          );
        return ExitCode.ok;
      }),
    );
}

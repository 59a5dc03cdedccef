import { Command, Option } from 'commander';
import { registerBacktestCommand } from './commands/backtest.ts';
import { registerDataCommands } from './commands/data.ts';
import { registerCronCommand } from './commands/cron.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerModelsCommands } from './commands/models.ts';
import { registerPredictCommand } from './commands/predict.ts';
import { registerPredictionsCommand } from './commands/predictions.ts';
import { registerReportCommand } from './commands/report.ts';
import { registerTrainCommand } from './commands/train.ts';
import { registerVerifyCommand } from './commands/verify.ts';
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerFeaturesCommand } from './commands/features.ts';
import { registerExplainCommand } from './commands/explain.ts';
import { registerExportCommand } from './commands/export.ts';
import { MLX_VERSION } from '../version.ts';

/** Each top-level command (or group) and what wires it. */
const COMMANDS: Record<string, (program: Command) => void> = {
  data: registerDataCommands,
  features: registerFeaturesCommand,
  train: registerTrainCommand,
  models: registerModelsCommands,
  predict: registerPredictCommand,
  predictions: registerPredictionsCommand,
  verify: registerVerifyCommand,
  report: registerReportCommand,
  explain: registerExplainCommand,
  export: registerExportCommand,
  backtest: registerBacktestCommand,
  doctor: registerDoctorCommand,
  cron: registerCronCommand,
  demo: registerDemoCommand,
};

/** mlx's options that take a value: the word after one is not the command's name. */
const VALUE_OPTIONS = new Set(['--home', '--config', '--wait']);

/**
 * The command `argv` (process.argv) names, when it names one of mlx's: the
 * first word that is neither an option nor an option's value.
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') return undefined;
    if (VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith('-')) return Object.hasOwn(COMMANDS, word) ? word : undefined;
  }
  return undefined;
}

/**
 * The `mlx` command tree. Each register function only wires flags to
 * operations, and each action imports its operation when it runs: DuckDB,
 * TensorFlow.js, libxgboost and vega take most of a second to load, so only
 * the commands that use them load them, and `mlx --help` loads none. Given
 * `argv`, a command's run wires that command alone (a run with no command,
 * help, or a word mlx does not know wires them all, to list or suggest them).
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('mlx')
    .description(
      'Batch training and daily stock prediction: XGBoost, an LSTM and rule signals,\n' +
        'honest walk-forward evaluation, append-only prediction ledgers.',
    )
    .version(MLX_VERSION, '-V, --version')
    .addOption(
      new Option('--home <dir>', 'the mlx home folder (data/, models/, predictions/)')
        .env('MLX_HOME')
        .default(undefined, 'the current directory'),
    )
    .option('--json', 'machine output: exactly one JSON document on stdout', false)
    .option('-q, --quiet', 'only errors on stderr', false)
    .option('-v, --verbose', 'more detail on stderr', false)
    .option('--no-color', 'no colour, even on a terminal (as NO_COLOR=1 does)')
    .option(
      '--wide',
      'tables as wide as their contents on a terminal (by default they fit its width, and say which columns they hid)',
      false,
    )
    .option('--config <file>', 'settings file (default: mlx.config.json in the home)')
    .option(
      '--wait <seconds>',
      'wait up to this long (at most 86400, a day) for another mlx process holding the lock before exit 4, saying what it waits for',
      undefined,
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: 0 ok (also "nothing to do"), 1 failure, 2 usage or configuration error,
            3 partial success (some symbols failed), 4 another mlx process holds the lock.

Examples:
  mlx demo                                   the whole loop offline on a synthetic market
  mlx data import ~/prices/*.csv             import AlphaVantage, Yahoo or generic OHLCV CSVs
  mlx data ls --json | jq '.[].symbol'`,
    );
  const named = argv && commandNamed(argv);
  for (const [name, register] of Object.entries(COMMANDS))
    if (!named || name === named) register(program);
  // A usage error is one line and where to read more, not the whole help text.
  for (const command of allCommands(program)) {
    command.exitOverride().showHelpAfterError(`(run ${commandPath(command)} --help for usage)`);
  }
  return program;
}

function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : 'mlx';
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

#!/usr/bin/env node
import { setImmediate } from 'node:timers/promises';
import { main } from '../dist/bundle/main.js';
import { noteOutputError, settleOutput } from '../dist/bundle/output-failures.js';

// A reader that stops early (`mlx predictions --json | head`) closes the pipe, and a log file
// on a failing disk fails its writes. Either way the output is lost, not the work: the command
// runs on, a failed stream is named at the end, and the exit code says how the work went.
process.stdout.on('error', (err) => noteOutputError('stdout', err));
process.stderr.on('error', (err) => noteOutputError('stderr', err));

const exitCode = await main(process.argv);
// A failed write is reported as an 'error' event a turn later: let it arrive first.
await setImmediate();
process.exitCode = settleOutput(exitCode);

#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that stops early (`mlx predictions --json | head`) closes the pipe. Its output is
// lost, not the work: the command runs on and its exit code says how the work went.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });

process.exitCode = await main(process.argv);

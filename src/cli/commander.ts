import { createRequire } from 'node:module';
import type * as Commander from 'commander';

/**
 * commander's classes, required as the CommonJS package it is. Imported
 * through its ES module wrapper instead, Node first parses the package's
 * source for its export names, which took about 10 ms of every command's
 * start. The types still come from 'commander'.
 */
const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = Commander.Command;
export type CommanderError = Commander.CommanderError;
export type InvalidArgumentError = Commander.InvalidArgumentError;
export type Option = Commander.Option;

import { runCli } from './run-cli.js';

// The `gatehouse` command (bin/gatehouse.js loads this file once built).
process.exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });

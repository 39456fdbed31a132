#!/usr/bin/env node
import { run } from '../dist/linkfix.js';

process.exitCode = await run(process.argv.slice(2));

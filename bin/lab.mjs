#!/usr/bin/env node
// The package bin: the command line is TypeScript, so load it through tsx's loader API rather
// than shipping a compiled copy that could drift from scripts/lab.ts.
import { tsImport } from 'tsx/esm/api';

await tsImport('../scripts/lab.ts', import.meta.url);

#!/usr/bin/env node
// The `drvmap` command. The CLI itself is bundled into out/cli.js by scripts/build.mjs.
/* global require */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../out/cli.js');

// Lint rules for the whole project. The engine's purity (no vscode / LSP imports under
// server/src/engine) is enforced here so it cannot erode silently.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'out-tsc/**',
      'out-test/**',
      'out-bench/**',
      '.cache/**',
      'test-output/**',
      'test/e2e/workspace/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'vscode-*', 'vscode-languageserver*'],
              message: 'The engine is pure: no vscode or LSP imports.',
            },
            { group: ['node:*', 'fs', 'path', 'child_process'], message: 'The engine is pure: no Node I/O.' },
          ],
        },
      ],
    },
  },
);

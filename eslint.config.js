import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    // Pure logic: parsers, normalizers, the event model, the query language and detection never do I/O (see docs/architecture.md).
    files: ['src/core/**/*.ts', 'src/parse/**/*.ts', 'src/normalize/**/*.ts', 'src/search/**/*.ts', 'src/detect/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'net', 'http', 'https', 'child_process', 'worker_threads'], message: 'Pure code has no I/O.' },
          { group: ['**/intake/**', '**/pipeline/**', '**/store/**', '**/api/**', '**/cli/**', '**/config/**'], message: 'Pure code never depends on adapters.' },
        ],
      }],
      'no-restricted-globals': ['error', 'process', 'Buffer'],
    },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The small progressive-enhancement scripts served to browsers.
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'history',
          'navigator',
          'fetch',
          'FormData',
          'URLSearchParams',
          'URL',
          'HTMLElement',
          'HTMLInputElement',
          'HTMLTextAreaElement',
          'HTMLSelectElement',
          'Event',
          'CustomEvent',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'console',
          'location',
          'Intl',
          'Date',
        ].map((name) => [name, 'readonly']),
      ),
    },
    // Scripts may also list the globals they use in a /* global */ comment.
    rules: { 'no-redeclare': ['error', { builtinGlobals: false }] },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      curly: ['error', 'all'],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
);

// ESLint flat config. The one rule beyond the recommended sets: no default exports, so every
// import names what it takes (house style).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: 'ExportSpecifier[exported.name="default"]', message: 'Use named exports.' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    // CommonJS files load modules with require() (src/compute/sourceWorker.cjs).
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Jest's globalSetup/globalTeardown contract requires a default export.
    files: ['test/helpers/globalSetup.ts', 'test/helpers/globalTeardown.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

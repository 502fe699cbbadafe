// Lint for the whole repo. Besides the usual TypeScript and React hooks rules, it keeps each
// process in its room: `electron` only in src-main/electron/ and src-preload/, raw ipcMain and
// ipcRenderer only in the contract wiring, the preload importing only types besides electron, the
// renderer importing nothing from main but the contract, and a slow-loading library only where it
// is loaded on first use.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const electronOutsideItsRoom = {
  name: 'electron',
  message: 'Only src-main/electron/ and src-preload/ may import electron; go through the contract.',
};

const rawIpc = (name) => ({
  selector: `Identifier[name='${name}']`,
  message: `Use ${name} only in the contract wiring (src-main/electron/ipc.ts, src-preload/index.ts).`,
});

export default tseslint.config(
  {
    ignores: [
      '.scratch/**',
      'out/**',
      'dist/**',
      'node_modules/**',
      'resources/contracts/**',
      'test-results/**',
      'playwright-report/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: [electronOutsideItsRoom] }],
      'no-restricted-syntax': ['error', rawIpc('ipcMain'), rawIpc('ipcRenderer')],
    },
  },
  {
    // @simplewebauthn/server took 140 ms of every start; it loads when a passkey is first used.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/core/approvals/webauthn.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@simplewebauthn/server',
              allowTypeImports: true,
              message:
                'Load it through loadWebAuthn() (approvals/webauthn.ts); types may be imported.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-main/electron/ipc.ts', 'src-preload/index.ts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    // The sandboxed preload can require nothing but electron at run time, so every other import
    // must be erased by the compiler (types only).
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$)',
              allowTypeImports: true,
              message:
                'The sandboxed preload may import only types (import type) from anything but electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOutsideItsRoom],
          patterns: [
            {
              regex: '^(\\.\\./)+src-main/|^src-main/',
              message: 'The renderer imports only the contract (@contract) from main.',
            },
          ],
        },
      ],
    },
  },
);

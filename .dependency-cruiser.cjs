// The house rules for imports, checked by `npm run lint:deps` and as the first step of
// `npm test`. Rooms under src-main/core form a one-way graph: leaf rooms (errors, ports,
// audit-chain, rule-syntax) import no other room, the store imports only errors, ports and
// audit-chain, and nothing imports in a circle. Type-only imports count: a type cycle still ties the rooms together.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Imports form a one-way graph; move what both sides need into a leaf room.',
      from: { path: '^(src-main|src-renderer|src-preload)/' },
      to: { circular: true },
    },
    {
      name: 'electron-only-in-shell',
      severity: 'error',
      comment:
        'Only the Electron shell (src-main/electron) and the preload touch electron, so the core runs headless.',
      from: { pathNot: '^(src-main/electron|src-preload)/' },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'renderer-sees-only-the-contract',
      severity: 'error',
      comment:
        'The renderer speaks to main through the IPC contract and imports nothing else of it (but how amounts read, which main and the renderer share).',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/', pathNot: '^src-main/ipc/(contract|amounts)\\.ts$' },
    },
    {
      name: 'store-imports-only-leaf-rooms',
      severity: 'error',
      comment:
        'The store is the lowest room: it may use the leaf rooms (errors, ports, audit-chain) but no capability above it.',
      from: { path: '^src-main/core/store/' },
      to: {
        path: '^src-main/core/',
        pathNot: '^src-main/core/(store|errors|ports|audit-chain)/',
      },
    },
    {
      name: 'leaf-rooms-stay-leaves',
      severity: 'error',
      comment: 'A leaf room imports no other room, so every room can depend on it.',
      from: { path: '^src-main/core/(errors|ports|audit-chain|rule-syntax)/' },
      to: { path: '^src-main/core/(?!$1/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};

// What it takes to add a contract without knowing everything about it: its creation block, what
// kind of proxy it is, its deployments in a project folder, its verified source.
export {
  findCreationBlock,
  requireCode,
  type CodeReader,
  type FindCreationBlockParameters,
} from './creation-block.ts';
export {
  detectProxy,
  eip1822Slot,
  eip1967Slots,
  proxyChanged,
  type DetectProxyParameters,
  type ProxyInfo,
  type ProxyKind,
} from './detect-proxy.ts';
export { implementationsCovered, mergeAbis, proxyEvents, upgradeEventNames } from './merge-abis.ts';
export { createProjectRoots, isWithin, realPathOf, type ProjectRoots } from './project-roots.ts';
export { readProjectFiles, type ProjectDeployment, type ProjectFiles } from './project-files.ts';
export {
  defaultVerifiedSourceUrls,
  fetchVerifiedAbi,
  type FetchVerifiedAbiParameters,
  type FetchVerifiedAbiReturnType,
  type VerifiedImplementation,
  type VerifiedSourceKind,
} from './verified-source.ts';

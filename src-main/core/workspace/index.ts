// Workspace files (YAML, config as code): the door other capabilities use.
export {
  parseWorkspace,
  type ParseWorkspaceOptions,
  type Workspace,
  type WorkspaceContract,
  type WorkspaceContractSource,
  type WorkspaceContractToken,
  type WorkspaceProblem,
} from './parse-workspace.ts';
export { serializeWorkspace, type SerializeWorkspaceInput } from './serialize-workspace.ts';

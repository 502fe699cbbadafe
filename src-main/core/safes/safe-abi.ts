// The part of the Safe's interface (1.3.0 and 1.4.1) that Vigil reads, hashes and watches.
import { parseAbi } from 'viem';

export const SAFE_READ_ABI = parseAbi([
  'function VERSION() view returns (string)',
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'function nonce() view returns (uint256)',
  'function getModulesPaginated(address start, uint256 pageSize) view returns (address[] array, address next)',
  'function getStorageAt(uint256 offset, uint256 length) view returns (bytes)',
  'function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)',
]);

/** The events by which a Safe's owners, threshold, modules and guard change. */
export const SAFE_CONFIG_EVENTS_ABI = parseAbi([
  'event AddedOwner(address indexed owner)',
  'event RemovedOwner(address indexed owner)',
  'event ChangedThreshold(uint256 threshold)',
  'event EnabledModule(address indexed module)',
  'event DisabledModule(address indexed module)',
  'event ChangedGuard(address indexed guard)',
  'event ChangedFallbackHandler(address indexed handler)',
]);

/**
 * What a Safe is watched as, when the operator asks for it: its configuration events, its
 * executions (with the Safe transaction hash), approved hashes and received funds, and the reads.
 */
export const SAFE_WATCH_ABI = [
  ...SAFE_READ_ABI,
  ...SAFE_CONFIG_EVENTS_ABI,
  ...parseAbi([
    'event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)',
    'event ExecutionFailure(bytes32 indexed txHash, uint256 payment)',
    'event ApproveHash(bytes32 indexed approvedHash, address indexed owner)',
    'event ExecutionFromModuleSuccess(address indexed module)',
    'event ExecutionFromModuleFailure(address indexed module)',
    'event SafeReceived(address indexed sender, uint256 value)',
  ]),
];

/** The start and end of the Safe's module linked list. */
export const SENTINEL_ADDRESS = '0x0000000000000000000000000000000000000001';

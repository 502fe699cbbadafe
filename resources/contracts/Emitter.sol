// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Emitter
/// @notice Test contract for Vigil's indexer: emits many logs in one transaction (emitMany) and
///         one log of every ABI kind the decoder must handle (emitKinds). The artifact
///         EmitterPartial.json has the same bytecode with Hidden left out of its ABI, so tests can
///         check that logs the ABI does not describe are still stored, undecoded.
contract Emitter {
    struct Payment {
        address who;
        uint256 amount;
    }

    /// @notice Everything emitKinds puts into its events, in one calldata argument (a long
    ///         parameter list of dynamic types would not fit on the EVM stack).
    struct Kinds {
        int256 signedValue;
        bool flag;
        bytes blob;
        bytes32 hash;
        string note;
        address[] addresses;
        uint256[] amounts;
        Payment payment;
    }

    /// @notice Sequence numbers continue across calls, so an indexer test can check that every
    ///         Ping from 0 to nextSeq - 1 was stored exactly once.
    uint256 public nextSeq;

    event Ping(uint256 indexed seq, address indexed sender, uint256 value);

    event Signed(int256 value);
    event Flag(bool value);
    event Blob(bytes data);
    event Hash(bytes32 value);
    event Note(string text);
    event Addresses(address[] list);
    event Amounts(uint256[] list);
    event Paid(Payment payment);
    event Mixed(int256 signedValue, bool flag, string note, Payment payment, uint256[] amounts);
    /// @dev An indexed string is stored as keccak256 of its bytes; the text itself is not in the log.
    event Tagged(string indexed tag, uint256 value);
    event Keyed(bytes32 indexed key, address indexed who, bool flag);
    /// @dev Anonymous: no signature topic, so topic0 is `who` and nothing can match it by name.
    event Unnamed(address indexed who, uint256 value) anonymous;
    /// @dev Left out of EmitterPartial.json's ABI.
    event Hidden(uint256 value, address sender);

    /// @notice Emits `count` Ping events in this one transaction (about 2.2k gas each).
    function emitMany(uint256 count) external {
        uint256 firstSeq = nextSeq;
        for (uint256 i = 0; i < count; ++i) {
            emit Ping(firstSeq + i, msg.sender, i);
        }
        nextSeq = firstSeq + count;
    }

    /// @notice Emits, in this order: Signed, Flag, Blob, Hash, Note, Addresses, Amounts, Paid,
    ///         Mixed, Tagged (tag = kinds.note), Keyed (key = kinds.hash), Unnamed, Hidden.
    function emitKinds(Kinds calldata kinds) external {
        emit Signed(kinds.signedValue);
        emit Flag(kinds.flag);
        emit Blob(kinds.blob);
        emit Hash(kinds.hash);
        emit Note(kinds.note);
        emit Addresses(kinds.addresses);
        emit Amounts(kinds.amounts);
        emit Paid(kinds.payment);
        emit Mixed(kinds.signedValue, kinds.flag, kinds.note, kinds.payment, kinds.amounts);
        emit Tagged(kinds.note, kinds.amounts.length);
        emit Keyed(kinds.hash, msg.sender, kinds.flag);
        emit Unnamed(msg.sender, uint256(kinds.signedValue < 0 ? -kinds.signedValue : kinds.signedValue));
        emit Hidden(kinds.amounts.length, msg.sender);
    }

    /// @notice Emits one Hidden event alone, for tests of logs the (partial) ABI cannot decode.
    function emitHidden(uint256 value) external {
        emit Hidden(value, msg.sender);
    }
}

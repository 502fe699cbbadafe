// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Tokens that describe themselves in the ways real ones do, for the amount formatting
///         tests: six decimals, no decimals() at all, and a bytes32 symbol (as early tokens such
///         as MKR have). Each only mints and emits Transfer; balances are not the point.
contract SixDecimalsToken {
    event Transfer(address indexed from, address indexed to, uint256 value);

    function decimals() external pure returns (uint8) {
        return 6;
    }

    function symbol() external pure returns (string memory) {
        return "USDX";
    }

    function mint(address to, uint256 value) external {
        emit Transfer(address(0), to, value);
    }
}

contract NoDecimalsToken {
    event Transfer(address indexed from, address indexed to, uint256 value);

    function symbol() external pure returns (string memory) {
        return "NODEC";
    }

    function mint(address to, uint256 value) external {
        emit Transfer(address(0), to, value);
    }
}

contract Bytes32SymbolToken {
    event Transfer(address indexed from, address indexed to, uint256 value);

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function symbol() external pure returns (bytes32) {
        return "OLD";
    }

    function mint(address to, uint256 value) external {
        emit Transfer(address(0), to, value);
    }
}
